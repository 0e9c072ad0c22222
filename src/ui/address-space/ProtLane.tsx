/**
 * The prot lane: a thin band under the strip, coloured by each VMA's
 * protection (prot-lane.ts), at every zoom level. Mixed columns are striped
 * in every prot they hold; a short tick marks where two same-prot neighbours
 * differ in their flags. Canvas, painted in runs, one pass per frame; the
 * colours are the theme's --prot-* tokens, read again when the theme changes.
 */
import { useLayoutEffect, useRef, type JSX } from 'react'
import type { VmaView } from '../../engine/api'
import type { PageScale } from './scales'
import { FLAGS_CHANGE, PROT_CLASSES, PROT_TOKEN, paintClass, protColumns } from './prot-lane'
import { useThemeChange } from './use-theme-change'

export const PROT_LANE_HEIGHT = 6

export function ProtLane({ vmas, scale, top }: { vmas: readonly VmaView[]; scale: PageScale; top: number }): JSX.Element {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const buffer = useRef<Uint8Array>(new Uint8Array(0))
  const palette = useRef<{ classes: string[]; tick: string } | null>(null)
  const draw = useRef<() => void>(() => undefined)

  useLayoutEffect(() => {
    draw.current = () => {
      const canvas = canvasRef.current
      const ctx = canvas?.getContext('2d')
      if (!canvas || !ctx) return
      const width = Math.floor(scale.width as number)
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(PROT_LANE_HEIGHT * dpr)) {
        canvas.width = Math.round(width * dpr)
        canvas.height = Math.round(PROT_LANE_HEIGHT * dpr)
      }
      if (!palette.current) {
        const style = getComputedStyle(canvas)
        const token = (name: string) => style.getPropertyValue(name).trim() || '#888'
        palette.current = { classes: PROT_CLASSES.map((k) => token(PROT_TOKEN[k])), tick: token('--fg') }
      }
      const columns = (buffer.current = protColumns(vmas, scale, buffer.current))
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      ctx.clearRect(0, 0, width, PROT_LANE_HEIGHT)
      let runStart = 0
      let runClass = -1
      for (let c = 0; c <= width; c++) {
        const k = c < width ? paintClass(columns[c]!, c) : -1
        if (k === runClass) continue
        if (runClass >= 0) {
          ctx.fillStyle = palette.current.classes[runClass]!
          ctx.fillRect(runStart, 0, c - runStart, PROT_LANE_HEIGHT)
        }
        runStart = c
        runClass = k
      }
      ctx.fillStyle = palette.current.tick
      for (let c = 0; c < width; c++) if (columns[c]! & FLAGS_CHANGE) ctx.fillRect(c - 1, 0, 2, PROT_LANE_HEIGHT)
    }
    const frame = requestAnimationFrame(() => draw.current())
    return () => cancelAnimationFrame(frame)
  }, [vmas, scale])

  useThemeChange(() => {
    palette.current = null
    draw.current()
  })

  return (
    <canvas
      ref={canvasRef}
      aria-hidden="true"
      data-testid="prot-lane"
      style={{ position: 'absolute', top, left: 0, width: Math.floor(scale.width as number), height: PROT_LANE_HEIGHT, pointerEvents: 'none' }}
    />
  )
}
