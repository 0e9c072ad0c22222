/**
 * The benchmark is a command that prints figures, not a timed test. This only
 * checks that it runs, prints the documented shape, and that each workload
 * leaves the VMA count it is meant to (which bench.ts also enforces).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { WORKLOADS, buildWorkload, expectedVmaCount, plainCount } from './bench'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const COUNT = 200

describe('bench', () => {
  it('builds workloads that end with 1, N, 2N and N VMAs in the engine', () => {
    const counts = WORKLOADS.map((workload) => {
      const trace = simulate(buildWorkload(workload, COUNT), '6.18')
      expect(trace.steps.filter((step) => step.error !== null)).toEqual([])
      return trace.vmasAt(trace.steps.length).length
    })
    expect(counts).toEqual([1, COUNT, 2 * COUNT, COUNT])
    expect(WORKLOADS.map((workload) => expectedVmaCount(workload, COUNT))).toEqual(counts)
  })

  it('prints exactly one JSON object with --json', () => {
    for (const workload of WORKLOADS) {
      const run = spawnSync('npx', ['tsx', 'src/cli/bench.ts', '--workload', workload, '--count', String(COUNT), '--json'], {
        cwd: REPO,
        encoding: 'utf8',
      })
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      const lines = run.stdout.trimEnd().split('\n')
      expect(lines).toHaveLength(1)
      const result = JSON.parse(lines[0]!) as Record<string, unknown>
      expect(Object.keys(result)).toEqual(['workload', 'count', 'usPerOp', 'seconds', 'peakRssMB'])
      expect(result).toMatchObject({ workload, count: COUNT })
      expect(result.usPerOp).toBeGreaterThan(0)
      expect(result.peakRssMB).toBeGreaterThan(0)
    }
  })

  it('refuses a bad workload name with exit status 2', () => {
    const run = spawnSync('npx', ['tsx', 'src/cli/bench.ts', '--workload', 'nope', '--count', '5'], { cwd: REPO, encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('unknown workload "nope"; expected one of mmap-merge, mmap-nomerge, mprotect-split, million')
  })

  it('takes only plain whole numbers as counts', () => {
    for (const bad of ['0x10', '1e3', '1_000', '07', '-5', '1.5', ' 5', '5 ', '', '0', '99999999999999999999']) expect(plainCount(bad), bad).toBeNull()
    expect([plainCount('1'), plainCount('60000'), plainCount('1000000')]).toEqual([1, 60000, 1000000])
  })

  it('refuses --count 0x10 and 1e3 with exit status 2', () => {
    for (const count of ['0x10', '1e3']) {
      const run = spawnSync('npx', ['tsx', 'src/cli/bench.ts', '--workload', 'mmap-merge', '--count', count, '--json'], { cwd: REPO, encoding: 'utf8' })
      expect(run.status).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr.split('\n')[0]).toBe(`bench: --count must be a plain whole number ≥ 1 (digits only, like 60000), got "${count}"`)
    }
  })

  it('million: 65,530 live VMAs, then each mprotect merges a page with both neighbours or splits it out again', () => {
    const count = 65530 + 7
    const trace = simulate(buildWorkload('million', count), '6.18')
    const toggles = trace.steps.slice(65530)
    expect(trace.steps[65529]).toMatchObject({ mapCount: 65530, error: null })
    expect(toggles.map((step) => [step.outcome, step.mapCount])).toEqual([
      ['merged-both', 65528], ['modified', 65530], ['merged-both', 65528], ['modified', 65530],
      ['merged-both', 65528], ['modified', 65530], ['merged-both', 65528],
    ])
    expect(expectedVmaCount('million', count)).toBe(65528)
  })

  it('--scenario prints the workload as a scenario the runner accepts', () => {
    const run = spawnSync('npx', ['tsx', 'src/cli/bench.ts', '--workload', 'million', '--count', '70', '--scenario'], { cwd: REPO, encoding: 'utf8' })
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(buildWorkload('million', 70))
  })
})
