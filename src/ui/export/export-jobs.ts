/**
 * The export jobs behind the Export buttons, loaded only when a button is
 * pressed (they pull in the picture composer and, for slides, pdf-lib), so
 * they stay out of the page's first download.
 */
import { baseAddressValue } from '../../store/base-address'
import type { EngineSession, ShownStep, SideRun } from '../engine-session/engine-session'
import type { ExplorerStore } from '../../store/explorer-store'
import { buildSlidesPdf } from '../../export/pdf-slides'
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
export async function currentPicture(session: EngineSession, store: ExplorerStore) {
  const { step, scenario } = store.getState()
  const views = [...document.querySelectorAll<SVGSVGElement>('[data-pane] [data-testid="address-space-view"] svg[role="img"]')]
  const sides = runs(session, store)
  if (sides.length === 0 || views.length < sides.length) throw new Error('nothing to export yet: the engine is still running')
  const panes = await Promise.all(sides.map(async (side, i) => ({ view: serializeViewSvg(views[i]!), shown: await shownAt(session, side.run, step), label: side.label })))
  return buildPicture({ scenario, step, panes })
}

export async function slidesPdf(session: EngineSession, store: ExplorerStore, progress: (text: string) => void): Promise<Uint8Array> {
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


/** The PNG of what is on screen, at twice the screen's resolution, with the scenario inside. */
export async function currentPng(session: EngineSession, store: ExplorerStore): Promise<Uint8Array> {
  const picture = await currentPicture(session, store)
  return rasterize(picture.svg, picture.width, picture.height, exportScale(), JSON.stringify(store.getState().scenario))
}

/** "Export C program" / "Export kselftest": the scenario with the primary kernel's prediction, as C (src/reproducer). */
export async function reproducerSource(store: ExplorerStore, form: 'program' | 'kselftest'): Promise<string> {
  const { scenario, kernel } = store.getState()
  // The engine runs here, once, on the whole scenario: the C needs every step's VMAs, not the ones on screen.
  const [{ simulate }, { cProgram }, { kselftest }] = await Promise.all([
    import('../../engine/simulate'),
    import('../../reproducer/c-program'),
    import('../../reproducer/kselftest'),
  ])
  const trace = simulate(scenario, kernel)
  return form === 'program' ? cProgram(scenario, trace) : kselftest(scenario, trace)
}
