/**
 * A canvas layer of the address-space view: sized to its CSS box at the
 * device pixel ratio, painted at the start of the next frame after the
 * inputs change (several commits in one frame paint once, and a first paint
 * of 65,530 VMAs is not added to the task that rendered them), and again when
 * the theme changes. Theme colours are read from CSS once per theme.
 */
import { useLayoutEffect, useRef, type RefObject } from 'react'
import { useThemeChange } from './use-theme-change'

/** The theme's CSS custom properties as the canvas needs them, read once each per theme. */
export class ThemeTokens {
  private readonly cache = new Map<string, string>()
  private style: CSSStyleDeclaration | null = null
  constructor(private readonly element: Element) {}
  get(name: string): string {
    let value = this.cache.get(name)
    if (value === undefined) {
      this.style ??= getComputedStyle(this.element)
      value = this.style.getPropertyValue(name).trim() || '#888'
      this.cache.set(name, value)
    }
    return value
  }
}

/**
 * `paint(ctx, tokens)` draws in CSS pixels on a cleared `width`×`height`
 * canvas; a new `paint` (useCallback over what it draws) paints again.
 * Returns the ref to put on the <canvas>.
 */
export function useCanvasLayer(
  width: number,
  height: number,
  paint: (ctx: CanvasRenderingContext2D, tokens: ThemeTokens) => void,
): RefObject<HTMLCanvasElement | null> {
  const canvasRef = useRef<HTMLCanvasElement>(null)
  const tokens = useRef<ThemeTokens | null>(null)
  const draw = useRef<() => void>(() => undefined)

  useLayoutEffect(() => {
    draw.current = () => {
      const canvas = canvasRef.current
      const ctx = canvas?.getContext('2d')
      if (!canvas || !ctx) return
      const dpr = window.devicePixelRatio || 1
      if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
        canvas.width = Math.round(width * dpr)
        canvas.height = Math.round(height * dpr)
      }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
      ctx.clearRect(0, 0, width, height)
      paint(ctx, (tokens.current ??= new ThemeTokens(canvas)))
    }
    const frame = requestAnimationFrame(() => draw.current())
    return () => cancelAnimationFrame(frame)
  }, [width, height, paint])

  useThemeChange(() => {
    tokens.current = null
    draw.current()
  })
  return canvasRef
}
