/** The top bar: product name, what it does in one line, the theme toggle and the keyboard-help button. */
import { memo } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { useTheme } from './use-theme'
import { Icon } from '../icons/icons'

const HEADER_BUTTON =
  'inline-flex h-7 items-center gap-1 rounded border border-line bg-raised px-2 text-[12px] hover:bg-selection aria-pressed:border-accent'

export const AppHeader = memo(function AppHeader({ onOpenHelp }: { onOpenHelp(): void }) {
  const theme = useExplorer((s) => s.theme)
  const { dark } = useTheme(theme)
  const store = useExplorerStoreApi()

  return (
    <header className="flex min-w-0 items-center gap-3 border-b border-line bg-panel px-3 py-1.5">
      <h1 className="mr-auto font-mono text-[15px] font-bold tracking-tight sm:mr-0">vmascope</h1>
      <p className="hidden min-w-0 flex-1 truncate text-[12.5px] text-muted sm:block">
        Step through the VMAs of a Linux process and see, check by check, why each mapping merged or not, on each kernel.
      </p>
      <button
        type="button"
        className={HEADER_BUTTON}
        aria-pressed={dark}
        onClick={() => store.getState().setTheme(dark ? 'light' : 'dark')}
        title="Switch between the light and the dark theme"
      >
        <Icon name={dark ? 'moon' : 'sun'} /> Dark theme
      </button>
      <button type="button" className={HEADER_BUTTON} onClick={onOpenHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        <span aria-hidden="true" className="font-mono font-bold">?</span>
      </button>
    </header>
  )
})
