/**
 * Buttons that move to the next or previous step of a kind: a difference
 * (between the compared kernels, or against the open recording), a failed
 * step (an errno), a merge. Each has a key (see use-find-keys.ts); when there
 * is no such step in that direction, a status line says so and the step stays.
 */
import { memo } from 'react'
import type { ExplorerStore } from '../../store/explorer-store'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { findTargets, useFindTargets } from './find-targets'
import { failedSteps, mergeSteps, nextAfter, previousBefore, unionSteps } from './step-navigation'

export type JumpKind = 'difference' | 'failed' | 'merge'
export type Direction = 'next' | 'previous'

const NOUN: Record<JumpKind, string> = { difference: 'difference', failed: 'failed step', merge: 'merge' }

function targetsOf(kind: JumpKind): readonly number[] {
  const t = findTargets.getState()
  if (kind === 'difference') return unionSteps(t.kernelDifferences, t.recordingDifferences)
  return kind === 'failed' ? failedSteps(t.steps) : mergeSteps(t.steps)
}

/** Moves the store to the next/previous step of `kind`, or says (in findTargets.message) why it cannot. */
export function jump(store: ExplorerStore, kind: JumpKind, direction: Direction): void {
  findTargets.setState({ message: jumpTarget(store, kind, direction) })
}

function jumpTarget(store: ExplorerStore, kind: JumpKind, direction: Direction): string | null {
  const t = findTargets.getState()
  if (kind === 'difference' && !t.kernelDifferences && !t.recordingDifferences) return 'Nothing to compare: tick “Compare” or open a recording.'
  const list = targetsOf(kind)
  const step = store.getState().step
  const target = direction === 'next' ? nextAfter(list, step) : previousBefore(list, step)
  if (target === null) return list.length === 0 ? `No step is a ${NOUN[kind]}.` : `No ${direction === 'next' ? 'later' : 'earlier'} ${NOUN[kind]}.`
  store.getState().goToStep(target)
  return null
}

const BUTTON = 'inline-flex h-7 items-center rounded border border-line bg-raised px-1.5 text-[12px] whitespace-nowrap hover:bg-selection'

export const StepJumps = memo(function StepJumps() {
  const store = useExplorerStoreApi()
  const message = useFindTargets((s) => s.message)
  const button = (kind: JumpKind, direction: Direction, label: string, keys: string) => (
    <button type="button" className={BUTTON} title={`${label} (${keys})`} aria-keyshortcuts={keys} onClick={() => jump(store, kind, direction)}>
      {label}
    </button>
  )
  return (
    <div role="group" aria-label="Go to a step of a kind" className="flex flex-wrap items-center gap-1">
      {button('difference', 'previous', 'Previous difference', '[')}
      {button('difference', 'next', 'Next difference', ']')}
      {button('failed', 'previous', 'Previous failed step', 'Shift+E')}
      {button('failed', 'next', 'Next failed step', 'E')}
      {button('merge', 'previous', 'Previous merge', 'Shift+M')}
      {button('merge', 'next', 'Next merge', 'M')}
      <span role="status" className="text-[11.5px] text-muted">
        {message}
      </span>
    </div>
  )
})
