import { describe, expect, it } from 'vitest'
import { simulate } from '../../engine/simulate'
import { loadGalleryScenario } from '../../scenario/gallery'
import { stressGenerators } from '../../scenario/stress'
import type { StepSummary } from '../../worker/engine-protocol'
import { parseAddressEntry, viewportAround } from './address-entry'
import { search } from './search'
import { failedSteps, mergeSteps, nextAfter, previousBefore, unionSteps } from './step-navigation'

const BASE = 0x7f0000000000n

describe('step navigation', () => {
  it('finds the next and previous entry around any step', () => {
    const list = [2, 5, 9]
    expect([0, 2, 3, 5, 9, 12].map((s) => nextAfter(list, s))).toEqual([2, 5, 5, 9, null, null])
    expect([0, 2, 3, 5, 9, 12].map((s) => previousBefore(list, s))).toEqual([null, null, 2, 2, 5, 9])
    expect(nextAfter([], 3)).toBeNull()
  })

  it('lists failed steps and merges of a run, and joins two difference maps', () => {
    const loaded = loadGalleryScenario('seed')
    if (!loaded.ok) throw new Error('seed')
    const trace = simulate(loaded.scenario, '6.18')
    const steps = trace.steps as unknown as StepSummary[]
    expect(mergeSteps(steps)).toEqual([3])
    expect(failedSteps(steps)).toEqual([])
    expect(unionSteps(new Map([[3, 'a'], [1, 'b']]), new Map([[2, 'c'], [3, 'd']]))).toEqual([1, 2, 3])
  })

  it('lists the failed steps of a run in progress as it grows, looking only at its new steps, and of another run afresh', () => {
    const step = (index: number, error: string | null) => ({ index, error }) as unknown as StepSummary
    const run = [step(1, null), step(2, 'ENOMEM'), step(3, null), step(4, 'EINVAL'), step(5, null), step(6, 'EPERM')]
    let reads = 0
    const counted = run.map((s) => ({ index: s.index, get error() { reads++; return s.error } }) as unknown as StepSummary)
    expect(failedSteps(counted.slice(0, 3))).toEqual([2])
    expect(reads).toBe(3)
    expect(failedSteps(counted.slice(0, 5))).toEqual([2, 4])
    expect(reads).toBe(5) // steps 4 and 5 only
    expect(failedSteps(counted.slice())).toEqual([2, 4, 6])
    expect(reads).toBe(6)
    // Another run of the same length, and a list that shares the first step but not the rest, are read whole.
    expect(failedSteps(run.map((s) => step(s.index, s.index === 1 ? 'EAGAIN' : null)))).toEqual([1])
    expect(failedSteps([counted[0]!, step(2, null), step(3, null), step(4, 'EBADF')])).toEqual([4])
  })
})

describe('address entry', () => {
  it('reads hex addresses and page numbers, and says what is wrong', () => {
    expect(parseAddressEntry('0x7f0000003000', BASE, 16)).toEqual({ ok: true, page: 3, exact: '0x7f0000003000' })
    expect(parseAddressEntry('0x7f0000003fff', BASE, 16)).toMatchObject({ ok: true, page: 3 })
    expect(parseAddressEntry('12', BASE, 16)).toMatchObject({ ok: true, page: 12 })
    expect(parseAddressEntry('page 2', BASE, 16)).toMatchObject({ ok: true, page: 2 })
    expect(parseAddressEntry('0x1000', BASE, 16)).toMatchObject({ ok: false, message: expect.stringContaining('below the window') })
    expect(parseAddressEntry('0x7f0000010000', BASE, 16)).toMatchObject({ ok: false, message: expect.stringContaining("past the window's end") })
    expect(parseAddressEntry('16', BASE, 16)).toMatchObject({ ok: false })
    expect(parseAddressEntry('hello', BASE, 16)).toMatchObject({ ok: false, message: expect.stringContaining('neither') })
  })

  it('centres a viewport on a range, zooming in on a tiny one', () => {
    expect(viewportAround(30_000, 30_001, 65_530, null)).toEqual({ startPage: 29_991, endPage: 30_011 })
    expect(viewportAround(0, 1, 65_530, null)).toEqual({ startPage: 0, endPage: 20 })
    expect(viewportAround(100, 200, 1024, { startPage: 0, endPage: 1024 })).toEqual({ startPage: 0, endPage: 1024 })
    expect(viewportAround(900, 1000, 1024, { startPage: 0, endPage: 400 })).toEqual({ startPage: 624, endPage: 1024 })
  })
})

describe('search on the 65,530-VMA scenario', () => {
  const scenario = stressGenerators.alternatingMappings(2000)
  const trace = simulate(scenario, '6.18')
  const vmas = trace.vmasAt(trace.steps.length)
  const input = { vmas, steps: trace.steps as unknown as StepSummary[], baseAddress: BASE, windowPages: scenario.windowPages }
  const vmaHits = (q: string) => search(q, input).filter((r) => r.kind === 'vma').map((r) => (r.kind === 'vma' ? r.vma.start : -1))

  it('finds VMAs by name, prot, flag and address', () => {
    expect(vmaHits('m1234')).toEqual([1234])
    expect(vmaHits('r--')).toEqual(vmas.filter((v) => v.prot === 'r--').map((v) => v.start))
    expect(vmaHits('r--').length).toBe(1000)
    expect(vmaHits('rw-p').length).toBe(1000)
    expect(vmaHits('rw-s')).toEqual([])
    expect(vmaHits('0x7f00000f1000')).toEqual([0xf1])
    expect(vmaHits('241')).toEqual([241])
    expect(vmaHits('VM_READ').length).toBe(2000)
    expect(vmaHits('wr').length).toBe(1000)
    expect(vmaHits('mg')).toEqual([])
  })

  it('finds steps by operation and text', () => {
    const steps = (q: string) => search(q, input).filter((r) => r.kind === 'step').length
    expect(steps('mmap')).toBe(2000)
    expect(steps('munmap')).toBe(0)
    expect(steps('mmap m1999 ')).toBe(1)
    expect(steps('new')).toBe(2000)
  })
})
