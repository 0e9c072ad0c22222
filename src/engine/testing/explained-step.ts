/**
 * The last step of a scenario, explained, for the decision-record tests
 * (mm/*-record.test.ts): its errno, outcome, KSM timing and VMAs, and its
 * checks as lines "<kernel function> <rule> pass|FAIL [<subject> [<range>)]: <text>".
 */
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../scenario/load'
import type { Check, KernelId, TakenStep } from '../api'
import { Simulation } from '../simulate'

export interface ExplainedStep {
  outcome: { error: string | null; outcome: string | null; ksm: string | null; vmas: string }
  record: string[]
}

/** Runs a scenario (defaults filled in by loadScenario) and takes its last step with its decision record. */
export function takeLastStep(kernel: KernelId, doc: Record<string, unknown>): TakenStep {
  const loaded = loadScenario({ format: 'vma-scenario/3', ...doc })
  if (!loaded.ok) throw new Error(loaded.text)
  const sim = new Simulation(loaded.scenario, kernel)
  sim.advance(loaded.scenario.steps.length - 1)
  return sim.takeStep()!
}

/** One check as a line: "<kernel function> <rule> pass|FAIL [<subject> [<range>)]: <text>". */
export function checkLine(c: Check): string {
  return `${c.fn} ${c.rule} ${c.pass ? 'pass' : 'FAIL'}${c.subject ? ` ${c.subject}` : ''}${c.range ? ` [${c.range[0]},${c.range[1]})` : ''}: ${c.text}`
}

/** Runs a scenario (defaults filled in by loadScenario) and returns its last step, explained. */
export function lastStep(kernel: KernelId, doc: Record<string, unknown>): ExplainedStep {
  const { result, vmas } = takeLastStep(kernel, doc)
  return {
    outcome: { error: result.error, outcome: result.outcome, ksm: result.ksm, vmas: vmas.map((v) => `[${v.start},${v.end})`).join(' ') },
    record: result.checks.map(checkLine),
  }
}

/** One scenario of a record test and what its last step must say. */
export interface RecordCase {
  title: string
  kernel: KernelId
  doc: Record<string, unknown>
  outcome: ExplainedStep['outcome']
  record: string[]
}

/** One test per case: the last step's outcome and its whole record are exactly the case's. */
export function describeRecords(name: string, cases: readonly RecordCase[]): void {
  describe(name, () => {
    it.each(cases)('$title', ({ kernel, doc, outcome, record }) => {
      const taken = lastStep(kernel, doc)
      expect(taken.outcome).toEqual(outcome)
      expect(taken.record).toEqual(record)
    })
  })
}
