/**
 * What the engine worker offers the main thread, shared by the worker
 * (engine.worker.ts) and its typed client (engine-client.ts).
 *
 * The worker keeps each Trace it computed under a run id. The main thread only
 * receives the step list once per run and asks for the VMAs of the one or two
 * steps it draws (`stepVmas`), so a scenario with thousands of steps and VMAs
 * never crosses the worker boundary in one piece.
 */
import type { KernelId, StepResult, VmaView } from '../engine/api'
import type { Scenario } from '../scenario/types'

export interface RunSummary {
  /** Handle of the trace kept in the worker; pass it to stepVmas / differingSteps. */
  runId: number
  kernel: KernelId
  steps: StepResult[]
  /** Milliseconds the simulation took inside the worker. */
  simulateMs: number
}

export interface EngineWorkerApi {
  /** Simulates the scenario under one kernel and keeps the trace. */
  run(scenario: Scenario, kernel: KernelId): RunSummary
  /** The VMAs after step `step` (0 = before the first step) of a kept run. */
  stepVmas(runId: number, step: number): VmaView[]
  /**
   * Step indices (1-based) whose result differs between two runs of the same
   * scenario: outcome, ksm, error, or the VMAs compared by (start, end, prot, mergeable).
   */
  differingSteps(runIdA: number, runIdB: number): number[]
  /** Forgets a run the main thread no longer shows. */
  release(runId: number): void
}
