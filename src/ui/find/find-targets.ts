/**
 * The step lists the find controls move through, from what the page knows:
 * the differing steps (compare mode and an open recording), the failed steps
 * and the merges of the primary run. Page state beside the explorer store
 * (derived from engine answers, so not part of the serialisable state),
 * published by ExplorerApp and read by the buttons, the keys and the overview.
 */
import { createStore } from 'zustand/vanilla'
import { useStore } from 'zustand'
import type { DifferenceKind } from '../../engine/differences'
import type { StepSummary } from '../../worker/engine-protocol'

export type StepFilter = 'all' | 'differing' | 'failed'

export interface FindTargets {
  steps: readonly StepSummary[]
  /** Compare mode's differing steps (null when not comparing). */
  kernelDifferences: ReadonlyMap<number, DifferenceKind> | null
  /** The open recording's differing steps (null when none is open). */
  recordingDifferences: ReadonlyMap<number, DifferenceKind> | null
  /** The open recording's VMA count after each step (index 0 = before the first), for the overview. */
  recordingCounts: Int32Array | null
  filter: StepFilter
  /** What the last jump said when there was no step to go to ("No later merge."); null after a move. */
  message: string | null
}

const NO_STEPS: readonly StepSummary[] = []

export const findTargets = createStore<FindTargets>()(() => ({ steps: NO_STEPS, kernelDifferences: null, recordingDifferences: null, recordingCounts: null, filter: 'all', message: null }))

export function useFindTargets<T>(selector: (state: FindTargets) => T): T {
  return useStore(findTargets, selector)
}
