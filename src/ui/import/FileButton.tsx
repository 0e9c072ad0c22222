/**
 * A button that says what it opens ("Import smaps file") and opens the file
 * picker. The file input itself is hidden (no second tab stop, no "No file
 * chosen" text); it keeps the same accessible name for scripts and tests.
 */
import { useRef, type ChangeEvent, type JSX, type ReactNode } from 'react'

export const FILE_BUTTON =
  'inline-flex h-7 items-center gap-1 rounded border border-line bg-raised px-2 text-[12px] text-fg hover:bg-selection'

export interface FileButtonProps {
  label: string
  accept: string
  onChange(event: ChangeEvent<HTMLInputElement>): void
  icon?: ReactNode
  title?: string
}

export function FileButton({ label, accept, onChange, icon, title }: FileButtonProps): JSX.Element {
  const input = useRef<HTMLInputElement>(null)
  return (
    <>
      <button type="button" className={FILE_BUTTON} title={title} onClick={() => input.current?.click()}>
        {icon}
        {label}…
      </button>
      <input ref={input} type="file" hidden aria-label={label} accept={accept} onChange={onChange} />
    </>
  )
}
