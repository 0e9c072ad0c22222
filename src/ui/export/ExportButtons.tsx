/**
 * "Export SVG", "Export PNG" (what is on screen: the step, each kernel's
 * address space and the explanation, in the current theme, the scenario
 * inside the file), "Export PNG 16:9" (1920 × 1080), "Export slides" (a
 * vector PDF, one page per step), and the
 * scenario as C for the chosen kernel: "Export C program" (a TAP program that
 * makes the calls for real and checks each step) and "Export kselftest" (the
 * same checks as a TEST_F for tools/testing/selftests/mm/merge.c).
 */
import { useState } from 'react'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import type { ExplorerStore } from '../../store/explorer-store'
import { useEngineSession } from '../engine-session/use-engine-session'
import type { EngineSession } from '../engine-session/engine-session'
import { TOOL_BUTTON } from '../controls/control-styles'
import { downloadFile, fileStem } from './download'

/** The jobs module, fetched on first use. */
const loadJobs = () => import('./export-jobs')

interface ExportContext {
  session: EngineSession
  store: ExplorerStore
  progress: (text: string) => void
}

interface ExportKind {
  label: string
  title: string
  /** Makes the file: its name, content and type. */
  make(context: ExportContext): Promise<{ name: string; content: Uint8Array | string; type: string }>
}

const stepStem = (store: ExplorerStore) => {
  const { scenario, step } = store.getState()
  return `${fileStem(scenario.title)}-step-${step}`
}

const EXPORTS: ExportKind[] = [
  {
    label: 'Export SVG',
    title: 'The step on screen as an SVG picture, with the scenario inside (open it in vmascope to restore it)',
    async make({ session, store }) {
      const picture = await (await loadJobs()).currentPicture(session, store)
      return { name: `${stepStem(store)}.svg`, content: picture.svg, type: 'image/svg+xml' }
    },
  },
  {
    label: 'Export PNG',
    title: 'The step on screen as a PNG at twice the screen\'s resolution, with the scenario inside',
    async make({ session, store }) {
      return { name: `${stepStem(store)}.png`, content: await (await loadJobs()).currentPng(session, store), type: 'image/png' }
    },
  },
  {
    label: 'Export PNG 16:9',
    title: 'The step on screen laid out as a 16:9 landscape slide, 1920 × 1080, with the scenario inside',
    async make({ session, store }) {
      return { name: `${stepStem(store)}-1920x1080.png`, content: await (await loadJobs()).slidePng(session, store), type: 'image/png' }
    },
  },
  {
    label: 'Export slides',
    title: 'Every step as a 16:9 page of a PDF, ready for a talk: real text you can select and search, and shapes',
    async make({ session, store, progress }) {
      const pdf = await (await loadJobs()).slidesPdf(session, store, progress)
      return { name: `${fileStem(store.getState().scenario.title)}-slides.pdf`, content: pdf, type: 'application/pdf' }
    },
  },
  {
    label: 'Export C program',
    title: 'One C file that makes the scenario\'s calls for real and checks every step against this kernel\'s prediction (gcc -Wall -Wextra -Werror; prints TAP)',
    async make({ store }) {
      const { scenario, kernel } = store.getState()
      return { name: `${fileStem(scenario.title)}-${kernel}.c`, content: await (await loadJobs()).reproducerSource(store, 'program'), type: 'text/x-csrc' }
    },
  },
  {
    label: 'Export kselftest',
    title: 'The same checks as a TEST_F to paste into tools/testing/selftests/mm/merge.c',
    async make({ store }) {
      const { scenario, kernel } = store.getState()
      return { name: `${fileStem(scenario.title)}-${kernel}-kselftest.c`, content: await (await loadJobs()).reproducerSource(store, 'kselftest'), type: 'text/x-csrc' }
    },
  },
]

export function ExportButtons() {
  const store = useExplorerStoreApi()
  const session = useEngineSession()
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)

  const run = async (kind: ExportKind) => {
    if (busy) return
    setBusy(true)
    setStatus(`${kind.label}…`)
    try {
      const file = await kind.make({ session, store, progress: setStatus })
      downloadFile(file.name, file.content, file.type)
      setStatus(`${kind.label}: done.`)
    } catch (error) {
      setStatus(`${kind.label} failed: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Export">
      {EXPORTS.map((kind) => (
        <button key={kind.label} type="button" className={TOOL_BUTTON} disabled={busy} title={kind.title} onClick={() => void run(kind)}>
          {kind.label}
        </button>
      ))}
      <span role="status" className="text-[12px] text-muted" data-testid="export-status">
        {status}
      </span>
    </div>
  )
}
