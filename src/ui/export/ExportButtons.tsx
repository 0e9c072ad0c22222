/**
 * "Export SVG", "Export PNG" (what is on screen: the step, each kernel's
 * address space and the explanation, in the current theme, the scenario
 * inside the file) and "Export slides" (a PDF, one page per step).
 */
import { useState } from 'react'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { baseAddressValue } from '../../store/base-address'
import { useEngineSession } from '../engine-session/use-engine-session'
import type { EngineSession, ShownStep, SideRun } from '../engine-session/engine-session'
import type { ExplorerStore } from '../../store/explorer-store'
import { TOOL_BUTTON } from '../controls/control-styles'
import { buildSlidesPdf } from '../../export/pdf-slides'
import { downloadFile, fileStem } from './download'
import { buildPicture, exportScale, rasterize, serializeViewSvg, withOffscreenView, type PictureInput } from './export-picture'

const SLIDE = { width: 1280, height: 720 } as const

function runs(session: EngineSession, store: ExplorerStore): Array<{ run: SideRun; label: string | null }> {
  const snapshot = session.getSnapshot()
  const comparing = store.getState().compare && snapshot.compare !== null
  const list: Array<{ run: SideRun; label: string | null }> = []
  if (snapshot.primary) list.push({ run: snapshot.primary, label: comparing ? snapshot.primary.kernel : null })
  if (comparing && snapshot.compare) list.push({ run: snapshot.compare, label: snapshot.compare.kernel })
  return list
}

async function shownAt(session: EngineSession, run: SideRun, step: number): Promise<ShownStep> {
  await session.loadStep(run, step)
  if (step > 0) await session.loadStep(run, step - 1)
  const shown = session.shownStep(run, step)
  if (!shown) throw new Error(`step ${step} is not ready in the engine`)
  return shown
}

/** The picture of what is on screen now. */
async function currentPicture(session: EngineSession, store: ExplorerStore) {
  const { step, scenario } = store.getState()
  const views = [...document.querySelectorAll<SVGSVGElement>('[data-pane] [data-testid="address-space-view"] svg[role="img"]')]
  const sides = runs(session, store)
  if (sides.length === 0 || views.length < sides.length) throw new Error('nothing to export yet: the engine is still running')
  const panes = await Promise.all(sides.map(async (side, i) => ({ view: serializeViewSvg(views[i]!), shown: await shownAt(session, side.run, step), label: side.label })))
  return buildPicture({ scenario, step, panes })
}

async function slidesPdf(session: EngineSession, store: ExplorerStore, progress: (text: string) => void): Promise<Uint8Array> {
  const { scenario, axisMode, baseAddress, viewport } = store.getState()
  const sides = runs(session, store)
  if (sides.length === 0) throw new Error('nothing to export yet: the engine is still running')
  const steps = scenario.steps.length === 0 ? [0] : scenario.steps.map((_, i) => i + 1)
  const slides: Array<{ png: Uint8Array }> = []
  const scenarioJson = JSON.stringify(scenario)
  for (const step of steps) {
    progress(`Exporting slides… ${slides.length + 1} / ${steps.length}`)
    const panes: PictureInput['panes'] = []
    for (const side of sides) {
      const shown = await shownAt(session, side.run, step)
      const options = { axisMode, baseAddress: baseAddressValue(baseAddress), viewport, width: SLIDE.width - 48, label: side.label ?? undefined }
      // Serialised inside the callback, while the view is still in the page (computed fonts).
      const view = await withOffscreenView(shown, options, serializeViewSvg)
      panes.push({ view, shown, label: side.label })
    }
    const picture = buildPicture({ scenario, step, panes, width: SLIDE.width, minHeight: SLIDE.height, maxLines: sides.length > 1 ? 9 : 12 })
    slides.push({ png: await rasterize(picture.svg, picture.width, picture.height, 2, scenarioJson) })
  }
  progress('Writing the PDF…')
  return buildSlidesPdf(slides, { title: scenario.title ?? 'vmascope scenario', scenarioJson })
}

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
            const picture = await currentPicture(session, store)
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
            const picture = await currentPicture(session, store)
            const png = await rasterize(picture.svg, picture.width, picture.height, exportScale(), JSON.stringify(store.getState().scenario))
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
            const pdf = await slidesPdf(session, store, setStatus)
            downloadFile(`${fileStem(store.getState().scenario.title)}-slides.pdf`, pdf, 'application/pdf')
          })
        }
      >
        Export slides
      </button>
      <span role="status" className="text-[12px] text-muted" data-testid="export-status">
        {status}
      </span>
    </div>
  )
}
