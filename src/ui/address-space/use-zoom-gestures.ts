/**
 * Zoom and pan of the address-space view, as gestures and keys. The viewport
 * is controlled (the caller holds it): d3-zoom is used only as a gesture
 * recogniser. Its transform lives in "base x" space, x = unit * width, where
 * unit is the zoom-independent axis position from scales.ts; each gesture is
 * turned back into a page range and handed to onViewportChange, and whenever
 * the viewport changes the d3 transform is rewritten to match (without
 * events). Two views given the same viewport stay in sync, even when one uses
 * the compressed axis.
 *
 * d3-zoom itself is in a chunk of its own (zoom-behaviour.ts), loaded after
 * the first render: the gestures attach once it is there, the keys at once.
 *
 * Keys (on the focused view): + and − zoom around the centre, 0 shows the
 * whole window, Shift+Left/Right pan (plain arrows are the app's step keys).
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { normaliseViewport, type PageRange, type PageScale, type UnitAxis } from './scales'
import { KEY_PAN_FRACTION, KEY_ZOOM_FACTOR, LAYOUT } from './strip-layout'
import { asPage } from '../../engine/units'

function viewportFromUnits(axis: UnitAxis, unitStart: number, unitEnd: number): PageRange {
  return normaliseViewport({ startPage: axis.fromUnit(unitStart), endPage: axis.fromUnit(unitEnd) }, axis.windowPages)
}

type ZoomBehaviourModule = typeof import('./zoom-behaviour')
let zoomModule: Promise<ZoomBehaviourModule> | null = null
/** The chunk once it has loaded: a view mounted after that attaches its gestures on its first render. */
let zoomLoaded: ZoomBehaviourModule | null = null
/** The d3-zoom chunk, loaded once for every view. */
function loadZoomBehaviour(): Promise<ZoomBehaviourModule> {
  zoomModule ??= import('./zoom-behaviour').then((module) => (zoomLoaded = module))
  return zoomModule
}

export interface ZoomGestures {
  /** The view's key handler; returns whether it handled the key (then it stopped the event). */
  onKeyDown(event: KeyboardEvent<HTMLElement>): boolean
}

export function useZoomGestures(opts: {
  svgRef: RefObject<SVGSVGElement | null>
  width: number
  windowPages: number
  axis: UnitAxis
  scale: PageScale
  onViewportChange(v: PageRange): void
}): ZoomGestures {
  const { svgRef, width, windowPages, axis, scale } = opts
  // Callbacks through refs, so a new closure from the parent never re-binds d3-zoom.
  const onViewportChangeRef = useRef(opts.onViewportChange)
  useEffect(() => {
    onViewportChangeRef.current = opts.onViewportChange
  })
  const axisRef = useRef(axis)
  useEffect(() => {
    axisRef.current = axis
  }, [axis])
  const [d3zoom, setD3zoom] = useState<ZoomBehaviourModule | null>(zoomLoaded)
  useEffect(() => {
    if (d3zoom) return
    let current = true
    loadZoomBehaviour().then(
      (module) => current && setD3zoom(module),
      // Without the chunk (a failed fetch) the view still draws and the keys still zoom and pan.
      () => undefined,
    )
    return () => {
      current = false
    }
  }, [d3zoom])
  useEffect(() => {
    const svg = svgRef.current
    if (!svg || width <= 0 || !d3zoom) return
    return d3zoom.attachZoom(svg, width, LAYOUT.height, Math.max(16, windowPages * 4), (unitStart, unitEnd) =>
      onViewportChangeRef.current(viewportFromUnits(axisRef.current, unitStart, unitEnd)),
    )
  }, [svgRef, width, windowPages, d3zoom])

  // Keep d3's idea of the transform equal to the controlled viewport (no events).
  useEffect(() => {
    const svg = svgRef.current
    if (!svg || width <= 0 || !d3zoom) return
    d3zoom.syncZoom(svg, width, scale.toUnit(asPage(scale.viewport.startPage)), scale.toUnit(asPage(scale.viewport.endPage)))
  }, [svgRef, scale, width, d3zoom])

  const emitUnits = useCallback(
    (unitStart: number, unitEnd: number) => {
      const span = unitEnd - unitStart
      let start = unitStart
      if (start < 0) start = 0
      if (start + span > 1) start = 1 - span
      onViewportChangeRef.current(viewportFromUnits(axis, start, start + span))
    },
    [axis],
  )
  const onKeyDown = (event: KeyboardEvent<HTMLElement>): boolean => {
    if (event.ctrlKey || event.metaKey || event.altKey) return false // browser zoom etc.
    const unitStart = scale.toUnit(asPage(scale.viewport.startPage))
    const unitEnd = scale.toUnit(asPage(scale.viewport.endPage))
    const span = unitEnd - unitStart
    const centre = (unitStart + unitEnd) / 2
    if (event.key === '+' || event.key === '=') {
      const next = span / KEY_ZOOM_FACTOR
      emitUnits(centre - next / 2, centre + next / 2)
    } else if (event.key === '-' || event.key === '_') {
      const next = Math.min(span * KEY_ZOOM_FACTOR, 1)
      emitUnits(centre - next / 2, centre + next / 2)
    } else if (event.key === '0') {
      onViewportChangeRef.current({ startPage: 0, endPage: windowPages })
    } else if (event.shiftKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
      // Plain arrows are the app's step keys: only Shift+arrow is ours.
      const delta = span * KEY_PAN_FRACTION * (event.key === 'ArrowLeft' ? -1 : 1)
      emitUnits(unitStart + delta, unitEnd + delta)
    } else {
      return false
    }
    event.preventDefault()
    event.stopPropagation()
    return true
  }
  return { onKeyDown }
}
