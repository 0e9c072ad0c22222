/**
 * The d3-zoom side of use-zoom-gestures.ts, in its own chunk: d3-zoom brings
 * d3-selection, d3-transition, d3-interpolate and d3-color (about 15 KB
 * gzipped), which the first drawn view does not need. The hook loads this
 * module after the first render (loadZoomBehaviour) and attaches the gestures
 * then; keys work without it.
 */
import { select } from 'd3-selection'
import { zoom, zoomIdentity, type D3ZoomEvent } from 'd3-zoom'

/** A gesture, as the part of the base-x axis [0, 1] it shows. */
export type UnitsHandler = (unitStart: number, unitEnd: number) => void

/** Attaches d3-zoom to `svg` as a gesture recogniser; returns the detach function. */
export function attachZoom(svg: SVGSVGElement, width: number, height: number, maxScale: number, onUnits: UnitsHandler): () => void {
  const behavior = zoom<SVGSVGElement, unknown>()
    .extent([
      [0, 0],
      [width, height],
    ])
    .translateExtent([
      [0, 0],
      [width, height],
    ])
    .scaleExtent([1, maxScale])
    .clickDistance(4)
    .on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
      if (!event.sourceEvent) return // a transform we set ourselves (syncZoom)
      const t = event.transform
      onUnits(-t.x / t.k / width, (width - t.x) / t.k / width)
    })
  const selection = select(svg)
  selection.call(behavior).on('dblclick.zoom', null)
  return () => {
    selection.on('.zoom', null)
  }
}

/** Sets d3-zoom's stored transform (in base-x space) to show units [unitStart, unitEnd), without events. */
export function syncZoom(svg: SVGSVGElement, width: number, unitStart: number, unitEnd: number): void {
  const k = 1 / Math.max(unitEnd - unitStart, 1e-12)
  select(svg).property('__zoom', zoomIdentity.translate(-k * unitStart * width, 0).scale(k))
}
