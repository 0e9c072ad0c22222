/** A file button (FileButton) with the alert that says why its last file could not be used. */
import type { ChangeEvent, JSX } from 'react'
import { FileButton } from './FileButton'

export interface FileInputWithAlertProps {
  label: string
  accept: string
  onChange(event: ChangeEvent<HTMLInputElement>): void
  alert: string | null
  title?: string
}

export function FileInputWithAlert({ label, accept, onChange, alert, title }: FileInputWithAlertProps): JSX.Element {
  return (
    <>
      <span className="flex items-center gap-1.5">
        <FileButton label={label} accept={accept} onChange={onChange} title={title} />
      </span>
      {alert && (
        <p role="alert" className="text-[12px] text-(--check-fail)">
          {alert}
        </p>
      )}
    </>
  )
}
