import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineStepError, simulate } from '../engine/simulate'
import type { Scenario } from '../scenario/types'
import { engineDefect, parseStepRange, resolveSelection } from './run-steps'

const scenario: Scenario = {
  format: 'vma-scenario/3', windowPages: 16, placement: 'fixed',
  steps: [{ op: 'mmap', at: 0, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }, { op: 'fork' }],
}

describe('an engine failure', () => {
  it('simulate() names the step that threw (EngineStepError)', () => {
    // A step the loader would refuse (no backing), handed to the engine directly: its mmap code throws.
    const broken = { ...scenario, steps: [scenario.steps[0]!, { op: 'mmap', at: 4, pages: 1, prot: 'rw-', share: 'private' }] } as unknown as Scenario
    let thrown: unknown
    try {
      simulate(broken, '6.18')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(EngineStepError)
    expect((thrown as EngineStepError).stepIndex).toBe(2)
    expect((thrown as EngineStepError).cause).toBeInstanceOf(TypeError)
  })

  it('is one line naming the step and calling it a vmascope defect, with the scenario saved for the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmascope-defect-'))
    process.env.VMASCOPE_DEFECT_DIR = dir
    try {
      const line = engineDefect('simulate', scenario, '6.16', new EngineStepError(2, new RangeError('Maximum call stack size exceeded')))
      const [file] = readdirSync(dir)
      expect(line).toBe(`simulate: the engine failed at step 2 (fork) on kernel 6.16 with RangeError: Maximum call stack size exceeded. This is a vmascope defect, not a problem with the scenario; attach ${join(dir, file!)} (the scenario, kernel and error) to the report.`)
      expect(line).not.toContain('\n')
      const report = JSON.parse(readFileSync(join(dir, file!), 'utf8')) as Record<string, unknown>
      expect(report).toMatchObject({ report: 'vmascope engine defect', command: 'simulate', kernel: '6.16', step: 2, error: 'RangeError: Maximum call stack size exceeded', scenario })
      expect(report.stack).toContain('RangeError')
    } finally {
      delete process.env.VMASCOPE_DEFECT_DIR
    }
  })
})

describe('--steps', () => {
  it('reads FROM..TO, N and FROM.., and checks them against the run', () => {
    expect(parseStepRange('3..5')).toEqual({ kind: 'range', from: 3, to: 5 })
    expect(parseStepRange('7')).toEqual({ kind: 'range', from: 7, to: 7 })
    expect(parseStepRange('9..')).toEqual({ kind: 'range', from: 9, to: null })
    for (const bad of ['', '..', '1..2..3', 'a..b', '1e3', '0x1', '-1..2', '2..1', '0']) expect(typeof parseStepRange(bad), bad).toBe('string')
    expect(resolveSelection({ kind: 'range', from: 9, to: null }, 12)).toEqual({ first: 9, last: 12 })
    expect(resolveSelection({ kind: 'final' }, 12)).toEqual({ first: 12, last: 12 })
    expect(resolveSelection({ kind: 'range', from: 13, to: null }, 12)).toBe('the scenario has 12 steps; asked for 13..')
  })
})
