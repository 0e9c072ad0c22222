/**
 * "Export SVG", "Export PNG" (what is on screen: the step, each kernel's
 * address space and the explanation, in the current theme, the scenario
 * inside the file), "Export slides" (a PDF, one page per step), and the
 * scenario as C for the chosen kernel: "Export C program" (a TAP program that
 * makes the calls for real and checks each step) and "Export kselftest" (the
 * same checks as a TEST_F for tools/testing/selftests/mm/merge.c).
 */
import { useState } from 'react'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { useEngineSession } from '../engine-session/use-engine-session'
import { TOOL_BUTTON } from '../controls/control-styles'
import { downloadFile, fileStem } from './download'

/** The jobs module, fetched on first use. */
const loadJobs = () => import('./export-jobs')

export function ExportButtons() {
  const store = useExplorerStoreApi()
  const session = useEngineSession()
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)

  const run = async (what: string, job: () => Promise<void>) => {
    if (busy) return
    setBusy(true)
    setStatus(`${what}…`)
    try {
      await job()
      setStatus(`${what}: done.`)
    } catch (error) {
      setStatus(`${what} failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      setBusy(false)
    }
  }
  const stem = () => {
    const { scenario, step } = store.getState()
    return `${fileStem(scenario.title)}-step-${step}`
  }

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Export">
      <button
        type="button"
        className={TOOL_BUTTON}
        disabled={busy}
        title="The step on screen as an SVG picture, with the scenario inside (open it in vmascope to restore it)"
        onClick={() =>
          void run('Export SVG', async () => {
            const picture = await (await loadJobs()).currentPicture(session, store)
            downloadFile(`${stem()}.svg`, picture.svg, 'image/svg+xml')
          })
        }
      >
        Export SVG
      </button>
      <button
        type="button"
        className={TOOL_BUTTON}
        disabled={busy}
        title="The step on screen as a PNG at twice the screen's resolution, with the scenario inside"
        onClick={() =>
          void run('Export PNG', async () => {
            const png = await (await loadJobs()).currentPng(session, store)
            downloadFile(`${stem()}.png`, png, 'image/png')
          })
        }
      >
        Export PNG
      </button>
      <button
        type="button"
        className={TOOL_BUTTON}
        disabled={busy}
        title="Every step as one page of a PDF, ready for a talk"
        onClick={() =>
          void run('Export slides', async () => {
            const pdf = await (await loadJobs()).slidesPdf(session, store, setStatus)
            downloadFile(`${fileStem(store.getState().scenario.title)}-slides.pdf`, pdf, 'application/pdf')
          })
        }
      >
        Export slides
      </button>
      <button
        type="button"
        className={TOOL_BUTTON}
        disabled={busy}
        title="One C file that makes the scenario's calls for real and checks every step against this kernel's prediction (gcc -Wall -Wextra -Werror; prints TAP)"
        onClick={() =>
          void run('Export C program', async () => {
            const { scenario, kernel } = store.getState()
            const source = await (await loadJobs()).reproducerSource(store, 'program')
            downloadFile(`${fileStem(scenario.title)}-${kernel}.c`, source, 'text/x-csrc')
          })
        }
      >
        Export C program
      </button>
      <button
        type="button"
        className={TOOL_BUTTON}
        disabled={busy}
        title="The same checks as a TEST_F to paste into tools/testing/selftests/mm/merge.c"
        onClick={() =>
          void run('Export kselftest', async () => {
            const { scenario, kernel } = store.getState()
            const source = await (await loadJobs()).reproducerSource(store, 'kselftest')
            downloadFile(`${fileStem(scenario.title)}-${kernel}-kselftest.c`, source, 'text/x-csrc')
          })
        }
      >
        Export kselftest
      </button>
      <span role="status" className="text-[12px] text-muted" data-testid="export-status">
        {status}
      </span>
    </div>
  )
}
