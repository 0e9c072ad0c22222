/** A labelled file input with the alert that says why its last file could not be used. */
import { useId, type ChangeEvent, type JSX } from 'react'

export interface FileInputWithAlertProps {
  label: string
  accept: string
  onChange(event: ChangeEvent<HTMLInputElement>): void
  alert: string | null
}

export function FileInputWithAlert({ label, accept, onChange, alert }: FileInputWithAlertProps): JSX.Element {
  const inputId = useId()
  return (
    <>
      <label htmlFor={inputId} className="flex items-center gap-1.5 text-[12.5px]">
        <span>{label}</span>
        <input id={inputId} type="file" accept={accept} onChange={onChange} className="max-w-48 text-[12px]" />
      </label>
      {alert && (
        <p role="alert" className="text-[12px] text-(--check-fail)">
          {alert}
        </p>
      )}
    </>
  )
}
