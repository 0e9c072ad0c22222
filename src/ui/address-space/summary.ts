/**
 * The sentence the strip's role="img" aria-label reads out, the colour role
 * of each VMA a step changed, and the note its tooltip shows, all from the
 * step's struct lifetimes (../../engine/changes.ts). Pure: no DOM.
 */
import type { StepResult, VmaView } from '../../engine/api'
import { changeCounts, changeText, type VmaChange, type VmaChangeKind } from '../../engine/changes'
import type { PageRange } from './scales'

/** Which --change-* token outlines a VMA the step changed. */
export type ChangeToken = 'new' | 'merged' | 'split' | 'modified'

export function changeTokenOf(kind: VmaChangeKind): ChangeToken {
  switch (kind) {
    case 'expanded':
      return 'merged'
    case 'split':
    case 'shrunk':
      return 'split'
    case 'modified':
      return 'modified'
    default:
      return 'new'
  }
}

/** The tooltip's line about what the step did to this VMA's struct. */
export function changeNote(change: VmaChange, all: readonly VmaChange[], step: Pick<StepResult, 'op'> | null): string {
  const text = changeText(change, all, step?.op)
  if (change.kind === 'removed') return `${text} by this step: the vm_area_struct is freed (state before the step)`
  if (change.kind === 'new') return `${text}: a vm_area_struct this step allocated`
  return `${text} by this step: the same vm_area_struct`
}

/** At most this many changes are read out one by one; more are counted. */
const CHANGES_SPOKEN = 4

/** "[0,2) expanded to [0,4); [4,6) removed", or counts when the step changed many VMAs. */
export function describeChanges(changes: readonly VmaChange[], step: Pick<StepResult, 'op'> | null): string {
  if (changes.length === 0) return ''
  if (changes.length > CHANGES_SPOKEN) return changeCounts(changes)
  return changes.map((c) => changeText(c, changes, step?.op)).join('; ')
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export interface ViewSummaryInput {
  vmas: readonly VmaView[]
  windowPages: number
  viewport: PageRange
  step: StepResult | null
  /** What the step did to each struct (vmaChanges of its created and removed VMAs). */
  changes: readonly VmaChange[]
  axisMode: 'linear' | 'compressed'
  label?: string
}

/** "6.18: 12 VMAs in a 1024-page window, 3 mergeable (mg). Step 4, mmap B [2,4) …: merged-prev ([0,2) expanded to [0,4)). Showing pages 0–1024." */
const mergeableCounts = new WeakMap<readonly VmaView[], number>()

/** How many of `vmas` are VM_MERGEABLE, counted once per list (a pan or zoom describes the same list again). */
export function mergeableCount(vmas: readonly VmaView[]): number {
  let count = mergeableCounts.get(vmas)
  if (count === undefined) {
    count = 0
    for (const vma of vmas) if (vma.mergeable) count++
    mergeableCounts.set(vmas, count)
  }
  return count
}

export function describeView({ vmas, windowPages, viewport, step, changes, axisMode, label }: ViewSummaryInput): string {
  const mergeable = mergeableCount(vmas)
  const parts = [
    `${label ? label + ': ' : ''}${plural(vmas.length, 'VMA')} in a ${windowPages}-page window, ${mergeable} mergeable (mg).`,
  ]
  if (step) {
    const outcome = step.error ? `failed with ${step.error}` : (step.outcome ?? 'done')
    const said = describeChanges(changes, step)
    parts.push(`Step ${step.index}, ${step.summary}: ${outcome}${said ? ` (${said})` : ''}.`)
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
