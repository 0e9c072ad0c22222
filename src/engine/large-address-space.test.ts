/**
 * Calls over 200,000 VMAs (more than max_map_count allows, which `initial`
 * can hold): each finishes with the right address space. Before the engine
 * kept its VMAs in blocks, a fork of 130,000 VMAs overflowed the stack (an
 * argument list spread with the address space) and a munmap of them took a
 * minute (one memmove per VMA). Time per VMA is measured by
 * `npm run --silent bench -- --workload W` (see src/cli/README.md), not here.
 */
import { describe, expect, it } from 'vitest'
import type { InitialVma, Scenario, Step } from '../scenario/types'
import { simulate } from './simulate'

const N = 200_000

/** N one-page private anonymous VMAs, rw- and r-- in turn (so none merges), side by side or one page apart. */
function scenario(steps: Step[], gap: 0 | 1): Scenario {
  const vmas: InitialVma[] = new Array(N)
  const stride = 1 + gap
  for (let i = 0; i < N; i++) {
    vmas[i] = { start: i * stride, end: i * stride + 1, prot: i % 2 ? 'r--' : 'rw-', share: 'private', backing: 'anon' }
  }
  return { format: 'vma-scenario/3', windowPages: 4 * N * stride, placement: 'fixed', maxMapCount: 4 * N, initial: { vmas }, steps }
}

function last(s: Scenario) {
  const trace = simulate(s, '6.18')
  const step = trace.steps[trace.steps.length - 1]!
  return { step, vmas: trace.vmasAt(trace.steps.length) }
}

describe(`one call over ${N.toLocaleString('en-US')} VMAs`, { timeout: 60_000 }, () => {
  it('fork copies every VMA into the child', () => {
    const { step, vmas } = last(scenario([{ op: 'fork' }], 1))
    expect(step).toMatchObject({ outcome: 'forked', error: null, process: 'child', mapCount: N })
    expect(vmas[N - 1]).toMatchObject({ start: 2 * (N - 1), end: 2 * (N - 1) + 1, prot: 'r--' })
  })

  it('munmap of all of them leaves nothing', () => {
    const { step, vmas } = last(scenario([{ op: 'munmap', at: 0, pages: 2 * N }], 1))
    expect(step).toMatchObject({ outcome: 'unmapped', error: null, mapCount: 0 })
    expect(step.removed).toHaveLength(N)
    expect(vmas).toEqual([])
  })

  it('mprotect of all of them to rw- merges them into one VMA', () => {
    const { step, vmas } = last(scenario([{ op: 'mprotect', at: 0, pages: N, prot: 'rw-' }], 0))
    expect(step).toMatchObject({ error: null, mapCount: 1 })
    expect(vmas).toHaveLength(1)
    expect(vmas[0]).toMatchObject({ start: 0, end: N, prot: 'rw-' })
  })

  it('mprotect across the holes changes the first VMA, then stops at the first hole with ENOMEM', () => {
    const { step, vmas } = last(scenario([{ op: 'mprotect', at: 0, pages: 2 * N, prot: 'r--' }], 1))
    expect(step).toMatchObject({ error: 'ENOMEM', mapCount: N })
    expect(vmas[0]).toMatchObject({ start: 0, end: 1, prot: 'r--' })
    expect(vmas[2]).toMatchObject({ start: 4, end: 5, prot: 'rw-' })
  })

  it('madvise(MADV_MERGEABLE) over all of them marks every one, across the holes, and says ENOMEM for the holes', () => {
    const { step, vmas } = last(scenario([{ op: 'madvise', at: 0, pages: 2 * N, advice: 'MADV_MERGEABLE' }], 1))
    expect(step).toMatchObject({ error: 'ENOMEM', mapCount: N })
    expect(vmas.every((v) => v.mergeable)).toBe(true)
  })

  it('mremap moves all of them at once (6.17+), keeping the holes', () => {
    const to = 2 * N + 16
    const { step, vmas } = last(scenario([{ op: 'mremap', at: 0, pages: 2 * N, newPages: 2 * N, to, mayMove: true }], 1))
    expect(step).toMatchObject({ outcome: 'moved', error: null, mapCount: N })
    expect(vmas[0]).toMatchObject({ start: to, end: to + 1 })
    expect(vmas[N - 1]).toMatchObject({ start: to + 2 * (N - 1), end: to + 2 * (N - 1) + 1 })
  })

  it('mmap(MAP_FIXED) over all of them replaces them with one VMA', () => {
    const { step, vmas } = last(scenario([{ op: 'mmap', at: 0, pages: 2 * N, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, mapFlags: ['MAP_FIXED'] }], 1))
    expect(step).toMatchObject({ error: null, mapCount: 1 })
    expect(vmas).toEqual([expect.objectContaining({ start: 0, end: 2 * N, prot: 'rw-' })])
  })
})
