/**
 * The benchmark is a command that prints figures, not a timed test. This only
 * checks that it runs, prints the documented shape, and that each workload
 * leaves the VMA count it is meant to (which bench.ts also enforces).
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { simulate } from '../engine/simulate'
import { WORKLOADS, buildWorkload, expectedVmaCount } from './bench'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const COUNT = 200

describe('bench', () => {
  it('builds workloads that end with 1, N and 2N VMAs in the engine', () => {
    const counts = WORKLOADS.map((workload) => {
      const trace = simulate(buildWorkload(workload, COUNT), '6.18')
      expect(trace.steps.filter((step) => step.error !== null)).toEqual([])
      return trace.vmasAt(trace.steps.length).length
    })
    expect(counts).toEqual([1, COUNT, 2 * COUNT])
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
      expect(Object.keys(result)).toEqual(['workload', 'count', 'usPerOp', 'peakRssMB'])
      expect(result).toMatchObject({ workload, count: COUNT })
      expect(result.usPerOp).toBeGreaterThan(0)
      expect(result.peakRssMB).toBeGreaterThan(0)
    }
  })

  it('refuses a bad workload name with exit status 2', () => {
    const run = spawnSync('npx', ['tsx', 'src/cli/bench.ts', '--workload', 'nope', '--count', '5'], { cwd: REPO, encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('unknown workload "nope"; expected one of mmap-merge, mmap-nomerge, mprotect-split')
  })
})
