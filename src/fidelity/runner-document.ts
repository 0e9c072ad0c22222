/**
 * The runner JSON document (docs/scenario-format.md, "What the runner prints")
 * as the recorder fills it: the engine's shape (src/engine/report.ts), with
 * what a real kernel cannot tell left empty (pgoff of anonymous memory, the
 * decision record) and `unsupported` on steps it could not run (with
 * --allow-unsupported).
 */
import type { RunnerStep as EngineRunnerStep, RunnerVma as EngineRunnerVma } from '../engine/report'

export interface RunnerVma extends Omit<EngineRunnerVma, 'pgoff'> {
  /** File page offset; null where smaps shows none (anonymous memory, the heap). */
  pgoff: number | null
}

/** A real kernel shows no struct identities: the recorder prints no `changes`. */
export interface RunnerStep extends Omit<EngineRunnerStep, 'op' | 'outcome' | 'ksm' | 'vmas' | 'checks' | 'changes'> {
  op: string
  outcome: string | null
  ksm: string | null
  vmas: RunnerVma[]
  checks: unknown[]
  /** Recorder only: why this step could not be run on this machine. */
  unsupported?: string
}

export interface RunnerDocument {
  kernel: string
  /** What the real process and machine had: the window's base, protection keys. */
  machine?: { base: string; baseKnown: boolean; protectionKeys: boolean; protectionKeysKnown: boolean }
  steps: RunnerStep[]
}
