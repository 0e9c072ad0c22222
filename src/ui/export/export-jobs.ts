/**
 * The export jobs behind the Export buttons, loaded only when a button is
 * pressed (they pull in the picture composer and, for slides, pdf-lib), so
 * they stay out of the page's first download.
 */
import { baseAddressValue } from '../../store/base-address'
import type { EngineSession, ShownStep, SideRun } from '../engine-session/engine-session'
import type { ExplorerStore } from '../../store/explorer-store'
import { buildSlidesPdf, tooManySlides, tooManySlideVmas, type Slide, type SlideStrip } from '../../export/pdf-slides'
import { buildPicture, explanationLines, exportScale, rasterize, rasterizeInto, serializeViewSvg, stepLine, withOffscreenView, type PictureInput } from './export-picture'

const SLIDE = { width: 1280, height: 720 } as const
/** "Export PNG 16:9": a landscape slide in full HD. */
const SLIDE_PNG = { width: 1920, height: 1080 } as const

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
  await session.loadChecks(run, step) // the picture lists the step's checks
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

/** The VMAs of one kernel at one step as the slide draws them. */
function slideStrip(shown: ShownStep, label: string | null): SlideStrip {
  const created = new Set(shown.created.map((v) => v.id))
  return {
    label,
    vmas: shown.vmas.map((v) => ({
      start: v.start, end: v.end, backing: v.backing, mergeable: v.mergeable, perms: `${v.prot}${v.share === 'shared' ? 's' : 'p'}`,
      label: v.names.length > 0 ? v.names.join('+') : v.backing === 'heap' ? '[heap]' : (v.file ?? '').split('/').pop() ?? '', created: created.has(v.id),
    })),
  }
}

/**
 * The pages every slide shows: the explorer's viewport if the user zoomed,
 * else every page any step maps (with a little room either side), so the
 * strip stays put from one slide to the next.
 */
function slideRange(windowPages: number, viewport: { startPage: number; endPage: number } | null, all: ShownStep[]): [number, number] {
  if (viewport) return [viewport.startPage, viewport.endPage]
  let low = Number.POSITIVE_INFINITY
  let high = Number.NEGATIVE_INFINITY
  for (const shown of all) for (const v of shown.vmas) {
    low = Math.min(low, v.start)
    high = Math.max(high, v.end)
  }
  if (!Number.isFinite(low)) return [0, windowPages]
  const pad = Math.max(1, Math.round((high - low) * 0.05))
  return [Math.max(0, low - pad), Math.min(windowPages, high + pad)]
}

export async function slidesPdf(session: EngineSession, store: ExplorerStore, progress: (text: string) => void): Promise<Uint8Array> {
  const { scenario, baseAddress, viewport } = store.getState()
  const sides = runs(session, store)
  if (sides.length === 0) throw new Error('nothing to export yet: the engine is still running')
  const steps = scenario.steps.length === 0 ? [0] : scenario.steps.map((_, i) => i + 1)
  const tooMany = tooManySlides(steps.length)
  if (tooMany) throw new RangeError(tooMany)
  const shownSteps: ShownStep[][] = []
  let vmas = 0
  for (const step of steps) {
    progress(`Exporting slides… ${shownSteps.length + 1} / ${steps.length}`)
    const row: ShownStep[] = []
    for (const side of sides) {
      const shown = await shownAt(session, side.run, step)
      vmas += shown.vmas.length
      const tooLarge = tooManySlideVmas(vmas, step)
      if (tooLarge) throw new RangeError(tooLarge)
      row.push(shown)
    }
    shownSteps.push(row)
  }
  const slides: Slide[] = shownSteps.map((row, k) => ({
    stepLine: `${stepLine(steps[k]!, scenario.steps.length, row[0] ?? null)}${sides.length === 1 && row[0] ? ` · kernel ${row[0].run.kernel}` : ''}`,
    strips: row.map((shown, i) => slideStrip(shown, sides[i]!.label)),
    explanation: row.map((shown) => explanationLines(shown)),
  }))
  progress('Writing the PDF…')
  return buildSlidesPdf({
    title: scenario.title ?? 'vmascope scenario',
    range: slideRange(scenario.windowPages, viewport, shownSteps.flat()),
    baseAddress: baseAddressValue(baseAddress),
    slides,
    scenarioJson: JSON.stringify(scenario),
  })
}

/** "Export PNG 16:9": the step on screen laid out as a slide, 1920 × 1080. */
export async function slidePng(session: EngineSession, store: ExplorerStore): Promise<Uint8Array> {
  const { step, scenario, axisMode, baseAddress, viewport } = store.getState()
  const sides = runs(session, store)
  if (sides.length === 0) throw new Error('nothing to export yet: the engine is still running')
  const panes: PictureInput['panes'] = []
  for (const side of sides) {
    const shown = await shownAt(session, side.run, step)
    const options = { axisMode, baseAddress: baseAddressValue(baseAddress), viewport, width: SLIDE.width - 48, label: side.label ?? undefined }
    panes.push({ view: await withOffscreenView(shown, options, serializeViewSvg), shown, label: side.label })
  }
  const picture = buildPicture({ scenario, step, panes, width: SLIDE.width, minHeight: SLIDE.height, maxLines: sides.length > 1 ? 9 : 12 })
  return rasterizeInto(picture.svg, picture.width, picture.height, SLIDE_PNG, JSON.stringify(scenario))
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
