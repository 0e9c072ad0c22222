/**
 * "Copy as text" (the step on screen) and "Copy scenario as text": plain text
 * for a mailing-list reply (80 columns, ASCII; see src/export/text), on the
 * clipboard. In compare mode the text holds both kernels and what differs.
 * Where the browser refuses the clipboard, the text opens in a box to copy by
 * hand, so nothing is lost.
 */
import { useRef, useState } from 'react'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { TOOL_BUTTON } from '../controls/control-styles'
import type { TextScope } from './copy-text'

const loadJob = () => import('./copy-text')

export function CopyTextButtons() {
  const store = useExplorerStoreApi()
  const [status, setStatus] = useState('')
  const [manual, setManual] = useState<string | null>(null)
  const dialog = useRef<HTMLDialogElement>(null)

  const copy = async (scope: TextScope) => {
    const what = scope === 'step' ? `step ${store.getState().step}` : 'the scenario'
    setStatus(`Copying ${what} as text…`)
    const result = (await loadJob()).textFor(store.getState(), scope)
    if ('problem' in result) {
      setStatus(`Nothing copied: ${result.problem}.`)
      return
    }
    const lines = result.text.split('\n').length - 1
    try {
      await navigator.clipboard.writeText(result.text)
      setStatus(`Copied ${what} as text (${lines} lines, 80 columns).`)
    } catch (error) {
      setStatus(`The browser refused the clipboard (${error instanceof Error ? error.message : String(error)}): copy the text from the box.`)
      setManual(result.text)
      queueMicrotask(() => dialog.current?.showModal())
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Copy as text">
      <button type="button" className={TOOL_BUTTON} title="The step on screen as plain text for a mailing list: the call and its errno, /proc/PID/maps lines before and after, an ASCII strip, the kernel's checks (both kernels in compare mode)" onClick={() => void copy('step')}>
        Copy as text
      </button>
      <button type="button" className={TOOL_BUTTON} title="Every step as plain text for a mailing list (both kernels and what differs in compare mode)" onClick={() => void copy('scenario')}>
        Copy scenario as text
      </button>
      <span role="status" className="text-[12px] text-muted" data-testid="copy-text-status">
        {status}
      </span>
      {manual !== null && (
        <dialog ref={dialog} aria-label="The text to copy" className="m-auto max-w-[90vw] rounded border border-line bg-panel p-3 text-fg" onClose={() => setManual(null)}>
          <textarea readOnly value={manual} className="h-[60vh] w-[84ch] max-w-full font-mono text-[12px]" onFocus={(e) => e.currentTarget.select()} autoFocus />
          <form method="dialog" className="mt-2 text-right">
            <button type="submit" className={TOOL_BUTTON}>Close</button>
          </form>
        </dialog>
      )}
    </div>
  )
}
