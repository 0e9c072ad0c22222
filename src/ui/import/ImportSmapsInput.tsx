/**
 * "Import smaps file": opens the text of /proc/PID/smaps (or /proc/PID/maps)
 * as a scenario whose initial state is that process (src/import). The parser
 * is loaded on first use, so it costs the main bundle nothing. Lines that
 * could not be read are listed with their line numbers; the rest still loads.
 */
import { useState, type ChangeEvent, type JSX } from 'react'
import { FileInputWithAlert } from './FileInputWithAlert'
import { readTextCapped } from './read-capped'
import type { SmapsProblem } from '../../import/smaps'

export interface ImportSmapsInputProps {
  /** Opens the imported process's scenario JSON (checked to fit); returns false when the explorer refused it. */
  onImport(json: string, fileName: string): Promise<boolean>
}

interface ImportReport {
  fileName: string
  vmas: number
  problems: SmapsProblem[]
  skipped: SmapsProblem[]
}

const MAX_LISTED = 50

export function ImportSmapsInput({ onImport }: ImportSmapsInputProps): JSX.Element {
  const [report, setReport] = useState<ImportReport | null>(null)
  const [failure, setFailure] = useState<string | null>(null)

  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget
    const file = input.files?.[0]
    if (!file) return
    try {
      const [text, { importSmapsText, importedScenarioJson }] = await Promise.all([readTextCapped(file), import('../../import/to-scenario')])
      const imported = importSmapsText(text, file.name)
      const vmas = imported.document.initial.vmas.length
      setReport({ fileName: file.name, vmas, problems: imported.problems, skipped: imported.skipped })
      const json = vmas === 0 ? null : importedScenarioJson(imported, file.name)
      if (json === null) setFailure(`${file.name}: no mapping could be read; is it the text of /proc/PID/smaps?`)
      else if (!json.ok) setFailure(json.message)
      else {
        setFailure(null)
        await onImport(json.json, file.name)
      }
    } catch (error) {
      setFailure(`${file.name}: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      input.value = ''
    }
  }

  return (
    <div className="flex flex-col gap-1" data-testid="smaps-import">
      <FileInputWithAlert label="Import smaps file" accept=".txt,.smaps,.maps,text/plain,*/*" onChange={onChange} alert={failure} />
      {report && (report.problems.length > 0 || report.skipped.length > 0) && (
        <div role="status" aria-label="Import report" className="max-h-40 overflow-y-auto text-[12px]">
          <p>
            {report.fileName}: {report.vmas.toLocaleString('en-US')} VMAs imported
            {report.problems.length > 0 ? `; ${report.problems.length} malformed ${report.problems.length === 1 ? 'line' : 'lines'} left out:` : '.'}
          </p>
          <ul aria-label="Malformed lines" className="font-mono">
            {report.problems.slice(0, MAX_LISTED).map((problem) => (
              <li key={problem.line} data-line={problem.line}>
                line {problem.line}: {problem.message}
              </li>
            ))}
            {report.problems.length > MAX_LISTED && <li>… and {report.problems.length - MAX_LISTED} more</li>}
          </ul>
          {report.skipped.map((note) => (
            <p key={note.line} className="text-muted">
              line {note.line}: {note.message}
            </p>
          ))}
        </div>
      )}
    </div>
  )
}
