/**
 * A step's change marks on a <canvas> over the SVG, for steps that change
 * too many VMAs for one SVG element each (AddressSpaceView switches above
 * SVG_CHANGE_MARKS_MAX): the outlines of the VMAs the step made or changed,
 * in their --change-* colour, and the ghost lane of the VMAs it freed, dashed
 * --change-removed over a faint fill of their backing, named when the name
 * fits. Marks narrower than SINGLE_MARK_MIN_PX are folded into pixel columns
 * (change-raster.ts) and each run of one kind is drawn as one box, so a
 * munmap or fork of 65,530 VMAs draws in one frame at any zoom. The SVG keeps
 * a summary of each lane for tests and scripts; the aria-label counts them.
 */
import { useCallback, useRef, type JSX } from 'react'
import type { VmaView } from '../../engine/api'
import { ChangeRaster, type ChangeMarks } from './change-raster'
import type { PageScale } from './scales'
import { stripName } from './smaps'
import { BACKING_KINDS, fitText, spanPx } from './strip-geometry'
import { GHOST_FONT_PX, LAYOUT, MONO_CHAR_EM } from './strip-layout'
import { useCanvasLayer, type ThemeTokens } from './use-canvas-layer'
import type { ChangeToken } from './summary'

/** From this many changed VMAs on (created and freed together), the view draws a step's change marks here. */
export const SVG_CHANGE_MARKS_MAX = 300

/** The kinds of a created VMA's outline, by their bit index in ChangeMarks.kinds. */
export const OUTLINE_KINDS: readonly ChangeToken[] = ['new', 'merged', 'split', 'modified']

/** The outline of a changed VMA: inset and line width, as the SVG outline draws it. */
const OUTLINE_INSET = 1.5
const OUTLINE_WIDTH = 2.5

export interface ChangeCanvasProps {
  /** The VMAs the step made or changed; kinds index OUTLINE_KINDS. */
  outlined: ChangeMarks
  /** The VMAs the step freed (as they were before it); kinds index BACKING_KINDS. */
  ghosts: ChangeMarks
  scale: PageScale
  /** CSS height of the drawing (the SVG's). */
  height: number
}

function paintGhost(ctx: CanvasRenderingContext2D, tokens: ThemeTokens, x: number, width: number, backing: number, vma: VmaView | null): void {
  const y = LAYOUT.ghostY
  ctx.globalAlpha = 0.35
  ctx.fillStyle = tokens.get(`--vma-${BACKING_KINDS[backing]!}`)
  ctx.fillRect(x + 0.75, y, Math.max(width - 1.5, 1), LAYOUT.ghostHeight)
  ctx.globalAlpha = 1
  ctx.strokeRect(x + 0.75, y, Math.max(width - 1.5, 1), LAYOUT.ghostHeight)
  if (!vma) return
  const name = fitText(stripName(vma), Math.floor((width - 6) / (GHOST_FONT_PX * MONO_CHAR_EM)))
  if (!name) return
  ctx.fillStyle = tokens.get('--fg')
  ctx.fillText(name, x + width / 2, y + 9)
}

function paintOutline(ctx: CanvasRenderingContext2D, x: number, width: number): void {
  ctx.strokeRect(x + OUTLINE_INSET, LAYOUT.stripY + OUTLINE_INSET, Math.max(width - 2 * OUTLINE_INSET, 1), LAYOUT.stripHeight - 2 * OUTLINE_INSET)
}

export function ChangeCanvas({ outlined, ghosts, scale, height }: ChangeCanvasProps): JSX.Element {
  const rasters = useRef<{ outlined: ChangeRaster; ghosts: ChangeRaster } | null>(null)
  const width = Math.floor(scale.width as number)
  const paint = useCallback(
    (ctx: CanvasRenderingContext2D, tokens: ThemeTokens) => {
      const r = (rasters.current ??= { outlined: new ChangeRaster(), ghosts: new ChangeRaster() })
      r.ghosts.build(ghosts, scale)
      r.outlined.build(outlined, scale)

      // The ghost lane: each freed VMA wide enough on its own, then runs of narrow ones per backing.
      ctx.strokeStyle = tokens.get('--change-removed')
      ctx.lineWidth = 1.5
      ctx.setLineDash([4, 2.5])
      ctx.font = `${GHOST_FONT_PX}px ui-monospace, monospace`
      ctx.textAlign = 'center'
      for (const i of r.ghosts.singles) {
        const vma = ghosts.vmas[i]!
        const span = spanPx(scale, vma.start, vma.end, 3)
        paintGhost(ctx, tokens, span.x, span.width, ghosts.kinds[i]!, vma)
      }
      for (let k = 0; k < BACKING_KINDS.length; k++) r.ghosts.forEachRun(k, (c0, c1) => paintGhost(ctx, tokens, c0, Math.max(c1 - c0, 3), k, null))

      // The outlines of the VMAs the step made or changed, in their change's colour.
      ctx.setLineDash([])
      ctx.lineWidth = OUTLINE_WIDTH
      for (const i of r.outlined.singles) {
        const vma = outlined.vmas[i]!
        const span = spanPx(scale, vma.start, vma.end, 3 + 2 * OUTLINE_INSET)
        ctx.strokeStyle = tokens.get(`--change-${OUTLINE_KINDS[outlined.kinds[i]!]!}`)
        paintOutline(ctx, span.x, span.width)
      }
      for (let k = 0; k < OUTLINE_KINDS.length; k++) {
        ctx.strokeStyle = tokens.get(`--change-${OUTLINE_KINDS[k]!}`)
        r.outlined.forEachRun(k, (c0, c1) => paintOutline(ctx, c0, Math.max(c1 - c0, 3 + 2 * OUTLINE_INSET)))
      }
    },
    [outlined, ghosts, scale],
  )
  const canvasRef = useCanvasLayer(width, height, paint)
  return (
    <canvas
      ref={canvasRef}
      aria-hidden="true"
      data-testid="change-canvas"
      style={{ position: 'absolute', top: 0, left: 0, width, height, pointerEvents: 'none' }}
    />
  )
}
