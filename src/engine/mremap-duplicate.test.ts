/**
 * mremap(old_len 0) of a page inside a shared mapping "duplicates" it elsewhere and
 * unmaps nothing: the empty source range must not split the VMA it lies in
 * (a fast-check counterexample from replay.test.ts, where the engine used to throw).
 */
import { expect, it } from 'vitest'
import type { Scenario } from '../scenario/types'
import { KERNEL_IDS } from './api'
import { simulate } from './simulate'

const sc: Scenario = {
  format: 'vma-scenario/3', windowPages: 24, placement: 'fixed', brkBase: 14,
  steps: [
    { op: 'mmap', name: 'A', at: 0, pages: 2, prot: 'rw-', share: 'shared', backing: { kind: 'anon' } },
    { op: 'mremap', at: 1, pages: 0, newPages: 1, mayMove: true },
    { op: 'brk', pages: 0 },
  ],
}

it.each(KERNEL_IDS)('%s: the source stays whole; the copy maps page 1 of the same shmem file at the top', (kernel) => {
  const t = simulate(sc, kernel)
  expect(t.steps.map((s) => s.error)).toEqual([null, null, null])
  expect(t.vmasAt(2).map((v) => [v.start, v.end, v.pgoff])).toEqual([[0, 2, 0], [23, 24, 1]])
  expect(t.vmasAt(2)[0]!.fileId).toBe(t.vmasAt(2)[1]!.fileId)
})
