/**
 * The sentence the strip's role="img" aria-label reads out, and the colour
 * role of a step's created VMAs. Pure: no DOM.
 */
import type { Outcome, StepResult, VmaView } from '../../engine/api'
import type { PageRange } from './scales'

/** Which --change-* token outlines the VMAs a step created. */
export type ChangeKind = 'new' | 'merged' | 'split'

export function changeKindOf(outcome: Outcome | null): ChangeKind {
  switch (outcome) {
    case 'merged-prev':
    case 'merged-next':
    case 'merged-both':
    case 'expanded':
      return 'merged'
    case 'split':
    case 'shrunk':
    case 'unmapped':
      return 'split'
    default:
      return 'new'
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export interface ViewSummaryInput {
  vmas: readonly VmaView[]
  windowPages: number
  viewport: PageRange
  step: StepResult | null
  axisMode: 'linear' | 'compressed'
  label?: string
}

/** "6.18: 12 VMAs in a 1024-page window, 3 mergeable (mg). Step 4, mmap B [2,4) …: merged-prev. Showing pages 0–1024." */
export function describeView({ vmas, windowPages, viewport, step, axisMode, label }: ViewSummaryInput): string {
  const mergeable = vmas.reduce((count, vma) => count + (vma.mergeable ? 1 : 0), 0)
  const parts = [
    `${label ? label + ': ' : ''}${plural(vmas.length, 'VMA')} in a ${windowPages}-page window, ${mergeable} mergeable (mg).`,
  ]
  if (step) {
    const outcome = step.error ? `failed with ${step.error}` : (step.outcome ?? 'done')
    const changes = [
      step.created.length > 0 ? `${plural(step.created.length, 'VMA')} created` : '',
      step.removed.length > 0 ? `${plural(step.removed.length, 'VMA')} removed` : '',
    ].filter(Boolean)
    parts.push(`Step ${step.index}, ${step.summary}: ${outcome}${changes.length > 0 ? ` (${changes.join(', ')})` : ''}.`)
  } else {
    parts.push('Initial state.')
  }
  const whole = viewport.startPage === 0 && viewport.endPage === windowPages
  const fmt = (page: number) => String(Math.round(page))
  parts.push(
    `Showing ${whole ? 'the whole window' : `pages ${fmt(viewport.startPage)}–${fmt(viewport.endPage)}`}${axisMode === 'compressed' ? ' on a gap-compressed axis' : ''}.`,
  )
  return parts.join(' ')
}
