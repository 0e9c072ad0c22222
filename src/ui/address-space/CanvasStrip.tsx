/**
 * The strip's fills drawn on a <canvas>, for address spaces too large for
 * SVG paths (AddressSpaceView switches above CANVAS_MIN_VMAS). The VMAs in view
 * are folded into pixel columns by StripRaster (typed buffers kept across
 * frames), and painted as runs of fillRect:
 *   - each column in its majority backing's colour;
 *   - a 10 px stripe along the bottom where a rarer backing is also present;
 *   - the VM_MERGEABLE hatch and top band over every column holding a
 *     mergeable VMA, however small it is;
 *   - boundary lines where at most two VMAs meet in a column (denser columns
 *     would be solid lines).
 * Colours are the theme tokens, read from CSS once and again only when the
 * theme changes (an attribute of <html>, or the system colour scheme).
 * Labels, outlines, brackets and the axis stay in the SVG drawn on top.
 */
import { useLayoutEffect, useRef, type JSX } from 'react'
import { useThemeChange } from './use-theme-change'
import type { VmaView } from '../../engine/api'
import type { PageScale } from './scales'
import { BACKING_KINDS, type StripBox } from './strip-geometry'
import { COLUMN_BOUNDARY, COLUMN_MERGEABLE, StripRaster } from './strip-raster'

/** From this many VMAs on, the view draws its strip on canvas. */
export const CANVAS_MIN_VMAS = 1500
const MINORITY_STRIPE_PX = 10
/** A rare backing or a mergeable VMA in one column is drawn this wide. */
const MARK_MIN_PX = 3

interface Palette {
  bg: string
  border: string
  boundary: string
  mergeable: string
  kinds: string[]
  hatch: CanvasPattern | null
}

function readPalette(element: Element, ctx: CanvasRenderingContext2D): Palette {
  const style = getComputedStyle(element)
  const token = (name: string) => style.getPropertyValue(name).trim() || '#888'
  const mergeable = token('--vma-mergeable')
  const tile = document.createElement('canvas')
  tile.width = 6
  tile.height = 6
  const t = tile.getContext('2d')
  if (t) {
    t.strokeStyle = mergeable
    t.globalAlpha = 0.7
    t.lineWidth = 1.4
    t.beginPath()
    t.moveTo(-1, 7)
    t.lineTo(7, -1)
    t.stroke()
  }
  return {
    bg: token('--bg'),
    border: token('--border'),
    boundary: token('--vma-boundary'),
    mergeable,
    kinds: BACKING_KINDS.map((kind) => token(`--vma-${kind}`)),
    hatch: ctx.createPattern(tile, 'repeat'),
  }
}

/**
 * Paints runs of consecutive columns for which `colourOf(c)` gives the same
 * value ≥ 0; a run narrower than `minWidth` is widened about its centre, so a
 * single marked column stays visible.
 */
function paintRuns(ctx: CanvasRenderingContext2D, width: number, y: number, height: number, colourOf: (c: number) => number, styles: ReadonlyArray<string | CanvasPattern>, minWidth = 1): void {
  let runStart = 0
  let runKind = -1
  for (let c = 0; c <= width; c++) {
    const kind = c < width ? colourOf(c) : -1
    if (kind === runKind) continue
    if (runKind >= 0) {
      const runWidth = c - runStart
      const grow = runWidth < minWidth ? (minWidth - runWidth) / 2 : 0
      ctx.fillStyle = styles[runKind]!
      ctx.fillRect(runStart - grow, y, runWidth + 2 * grow, height)
    }
    runStart = c
    runKind = kind
  }
}

export interface CanvasStripProps {
  vmas: readonly VmaView[]
  scale: PageScale
  box: StripBox
  /** CSS height of the drawing (the SVG's). */
  height: number
}

export function CanvasStrip({ vmas, scale, box, height }: CanvasStripProps): JSX.Element {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const rasterRef = useRef<StripRaster | null>(null)
  const paletteRef = useRef<Palette | null>(null)
  const drawRef = useRef<() => void>(() => undefined)

  useLayoutEffect(() => {
    drawRef.current = () => {
      const canvas = canvasRef.current
      const ctx = canvas?.getContext('2d')
      if (!canvas || !ctx) return
      const width = Math.floor(scale.width as number)
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
        canvas.width = Math.round(width * dpr)
        canvas.height = Math.round(height * dpr)
      }
      const palette = (paletteRef.current ??= readPalette(canvas, ctx))
      const raster = (rasterRef.current ??= new StripRaster())
      raster.build(vmas, scale)
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      ctx.clearRect(0, 0, width, height)
      ctx.fillStyle = palette.bg
      ctx.fillRect(0, box.y, width, box.height)
      const { majority, minority, flags, counts } = raster
      paintRuns(ctx, width, box.y, box.height, (c) => majority[c]!, palette.kinds)
      if (palette.hatch) paintRuns(ctx, width, box.y, box.height, (c) => (flags[c]! & COLUMN_MERGEABLE ? 0 : -1), [palette.hatch], MARK_MIN_PX)
      paintRuns(ctx, width, box.y + box.height - MINORITY_STRIPE_PX, MINORITY_STRIPE_PX, (c) => minority[c]!, palette.kinds, MARK_MIN_PX)
      paintRuns(ctx, width, box.y, box.mergeableBandHeight, (c) => (flags[c]! & COLUMN_MERGEABLE ? 0 : -1), [palette.mergeable], MARK_MIN_PX)
      ctx.fillStyle = palette.boundary
      for (let c = 0; c < width; c++) if (flags[c]! & COLUMN_BOUNDARY && counts[c]! <= 2) ctx.fillRect(c, box.y, 1, box.height)
      ctx.strokeStyle = palette.border
      ctx.lineWidth = 1
      ctx.strokeRect(0.5, box.y + 0.5, width - 1, box.height - 1)
    }
    // Drawn at the start of the next frame, not in this commit's task: the frame's own style
    // pass then covers the palette read, and a first draw of 65,530 VMAs is not added to the
    // task that rendered them (no long task). Several commits in one frame draw once.
    const frame = requestAnimationFrame(() => drawRef.current())
    return () => cancelAnimationFrame(frame)
  }, [vmas, scale, box, height])

  // The theme changed: read the colours again and redraw.
  useThemeChange(() => {
    paletteRef.current = null
    drawRef.current()
  })

  const width = Math.floor(scale.width as number)
  return (
    <canvas
      ref={canvasRef}
      aria-hidden="true"
      data-testid="address-space-canvas"
      style={{ position: 'absolute', top: 0, left: 0, width, height, pointerEvents: 'none' }}
    />
  )
}
