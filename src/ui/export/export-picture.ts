/**
 * The DOM side of exports: read the theme's colours, serialise the
 * address-space view's <svg>, render a step's view off screen (for slides),
 * build the picture (src/export/compose-svg.ts), and rasterise it to PNG.
 */
import { createElement } from 'react'
import { createRoot } from 'react-dom/client'
import { flushSync } from 'react-dom'
import { vmaChanges } from '../../engine/changes'
import { AddressSpaceView } from '../address-space'
import { describeChanges } from '../address-space/summary'
import type { ShownStep } from '../engine-session/engine-session'
import { ksmTimingSentence } from '../why/ksm-explanation'
import { composeExportSvg, type ExplanationLine } from '../../export/compose-svg'
import { THEME_TOKENS, embedScenarioInSvg, inlineThemeTokens } from '../../export/svg-scenario'
import { SCENARIO_KEYWORD, withPngText } from '../../export/png-text'
import type { Scenario } from '../../scenario/types'
import type { AxisMode, Viewport } from '../../store/explorer-store'

export function themeTokens(): Record<string, string> {
  const style = getComputedStyle(document.documentElement)
  return Object.fromEntries(THEME_TOKENS.map((token) => [token, style.getPropertyValue(token).trim()]))
}

/** The view's <svg> as standalone markup: fonts of every text copied from the page, sizes fixed. */
export interface SerialisedView {
  markup: string
  width: number
  height: number
}

export function serializeViewSvg(svg: SVGSVGElement): SerialisedView {
  const width = Math.round(svg.getBoundingClientRect().width / (zoomOf(svg) || 1)) || Number(svg.getAttribute('width')) || 800
  const height = Number(svg.getAttribute('height')) || Math.round(svg.getBoundingClientRect().height)
  const clone = svg.cloneNode(true) as SVGSVGElement
  const sourceTexts = svg.querySelectorAll('text')
  const cloneTexts = clone.querySelectorAll('text')
  sourceTexts.forEach((text, i) => {
    const style = getComputedStyle(text)
    const target = cloneTexts[i]
    if (!target) return
    target.style.fontFamily = style.fontFamily
    target.style.fontSize = style.fontSize
    target.style.fontWeight = style.fontWeight
  })
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  clone.setAttribute('width', String(width))
  clone.setAttribute('height', String(height))
  clone.removeAttribute('class')
  clone.style.overflow = 'visible'
  return { markup: new XMLSerializer().serializeToString(clone), width, height }
}

function zoomOf(element: Element): number {
  let zoom = 1
  for (let node: Element | null = element; node; node = node.parentElement) {
    const value = Number.parseFloat(getComputedStyle(node).zoom || '1')
    if (Number.isFinite(value) && value > 0) zoom *= value
  }
  return zoom
}

export function stepLine(step: number, stepCount: number, shown: ShownStep | null): string {
  if (step === 0 || !shown?.result) return `Step 0 of ${stepCount} · initial state`
  return `Step ${step} of ${stepCount} · ${shown.result.summary}${shown.result.error ? ` → ${shown.result.error}` : ''}`
}

export function explanationLines(shown: ShownStep): ExplanationLine[] {
  const kernel = shown.run.kernel
  const lines: ExplanationLine[] = [{ text: `Why · ${kernel}`, tone: 'heading' }]
  const result = shown.result
  if (!result) {
    lines.push({ text: `Initial state, before any step: ${shown.vmas.length} VMA(s) in the window.`, tone: 'plain' })
    return lines
  }
  if (result.outcome) lines.push({ text: `Outcome: ${result.outcome}${result.ksm ? ` · KSM flag ${result.ksm}` : ''}`, tone: 'plain' })
  if (result.error) lines.push({ text: `The call failed with ${result.error}.`, tone: 'fail' })
  const lifetimes = vmaChanges(shown.created, shown.removed, result.op)
  if (lifetimes.length > 0) lines.push({ text: `VMAs: ${describeChanges(lifetimes, result)}`, tone: 'plain' })
  const scenarioStep = shown.run.scenario.steps[result.index - 1]
  const sentence = scenarioStep ? ksmTimingSentence({ kernel, result, step: scenarioStep, previousVmas: shown.previousVmas, vmas: shown.vmas }) : null
  if (sentence) lines.push({ text: sentence, tone: 'note' })
  for (const check of result.checks) {
    lines.push({ text: `${check.pass ? '✓' : '✗'} ${check.fn}: ${check.text}`, tone: check.pass ? 'pass' : 'fail' })
  }
  return lines
}

export interface PictureInput {
  scenario: Scenario
  step: number
  /** One entry per kernel shown: its view's <svg> and its step. */
  panes: Array<{ view: SerialisedView; shown: ShownStep; label: string | null }>
  width?: number
  minHeight?: number
  maxLines?: number
}

/** The finished SVG document: theme colours inlined, the scenario in <metadata>. */
export function buildPicture(input: PictureInput): { svg: string; width: number; height: number } {
  const serialised = input.panes.map((pane) => ({ ...pane.view, label: pane.label }))
  const width = input.width ?? Math.max(640, ...serialised.map((pane) => pane.width + 48))
  const first = input.panes[0]?.shown ?? null
  const composed = composeExportSvg({
    width,
    minHeight: input.minHeight,
    maxLines: input.maxLines,
    title: input.scenario.title ?? 'vmascope scenario',
    stepLine: `${stepLine(input.step, input.scenario.steps.length, first)}${input.panes.length === 1 && first ? ` · kernel ${first.run.kernel}` : ''}`,
    panes: serialised.map((pane) => ({ label: pane.label, svgMarkup: pane.markup, height: pane.height })),
    explanation: input.panes.map((pane) => explanationLines(pane.shown)),
  })
  const svg = embedScenarioInSvg(inlineThemeTokens(composed.svg, themeTokens()), JSON.stringify(input.scenario))
  return { svg, width: composed.width, height: composed.height }
}

/** PNG bytes of an SVG document drawn at `scale` × its size, with the scenario in an iTXt chunk. */
export function rasterize(svg: string, width: number, height: number, scale: number, scenarioJson: string): Promise<Uint8Array> {
  return drawToPng(svg, { width: Math.round(width * scale), height: Math.round(height * scale) }, { x: 0, y: 0, width: width * scale, height: height * scale }, scenarioJson)
}

/**
 * PNG bytes of exactly `canvas` pixels (1920 × 1080 for a 16:9 slide): the SVG
 * scaled to fit and centred, the rest filled with the picture's background.
 */
export function rasterizeInto(svg: string, width: number, height: number, canvas: { width: number; height: number }, scenarioJson: string): Promise<Uint8Array> {
  const scale = Math.min(canvas.width / width, canvas.height / height)
  const w = width * scale
  const h = height * scale
  const background = themeTokens()['--bg'] || '#ffffff'
  return drawToPng(svg, canvas, { x: (canvas.width - w) / 2, y: (canvas.height - h) / 2, width: w, height: h }, scenarioJson, background)
}

async function drawToPng(
  svg: string,
  size: { width: number; height: number },
  at: { x: number; y: number; width: number; height: number },
  scenarioJson: string,
  background?: string,
): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }))
  try {
    const image = new Image()
    image.decoding = 'sync'
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve()
      image.onerror = () => reject(new Error('the browser could not draw the exported SVG'))
      image.src = url
    })
    const canvas = document.createElement('canvas')
    canvas.width = size.width
    canvas.height = size.height
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2D canvas')
    if (background) {
      context.fillStyle = background
      context.fillRect(0, 0, size.width, size.height)
    }
    context.drawImage(image, at.x, at.y, at.width, at.height)
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
    if (!blob) throw new Error('the canvas could not be saved as PNG')
    return withPngText(new Uint8Array(await blob.arrayBuffer()), SCENARIO_KEYWORD, scenarioJson)
  } finally {
    URL.revokeObjectURL(url)
  }
}

/** "Crisp at twice the screen's resolution". */
export function exportScale(): number {
  return 2 * Math.max(1, window.devicePixelRatio || 1)
}

export interface OffscreenViewOptions {
  axisMode: AxisMode
  baseAddress: bigint
  viewport: Viewport | null
  width: number
  label?: string
}

const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))

/**
 * Renders the address-space view of one step outside the screen and hands its
 * <svg> to `use` (for slides: every step, not only the one on screen).
 */
export async function withOffscreenView<T>(shown: ShownStep, options: OffscreenViewOptions, use: (svg: SVGSVGElement) => T): Promise<T> {
  const host = document.createElement('div')
  host.setAttribute('aria-hidden', 'true')
  host.style.cssText = `position: fixed; left: -100000px; top: 0; width: ${options.width}px; pointer-events: none;`
  document.body.append(host)
  const root = createRoot(host)
  try {
    flushSync(() =>
      root.render(
        createElement(AddressSpaceView, {
          vmas: shown.vmas,
          previousVmas: shown.previousVmas,
          step: shown.result,
          windowPages: shown.run.scenario.windowPages,
          baseAddress: options.baseAddress,
          axisMode: options.axisMode,
          viewport: options.viewport,
          onViewportChange: () => undefined,
          highlight: null,
          pinnedVmaId: null,
          onPinVma: () => undefined,
          label: options.label,
        }),
      ),
    )
    for (let frame = 0; frame < 10; frame++) {
      await nextFrame()
      const svg = host.querySelector<SVGSVGElement>('svg[role="img"]')
      if (svg && svg.querySelector('path')) return use(svg)
    }
    throw new Error('the address-space view did not draw off screen')
  } finally {
    root.unmount()
    host.remove()
  }
}
