/**
 * fast-check scenarios for the engine's property tests: small fixed-placement
 * windows where every op lands on, next to or across other mappings.
 * `scenarioArb(W)` uses the ops the page model (./page-model.ts) knows;
 * `{ all: true }` adds brk (with a brkBase), mremap (in place and moving) and SysV shm
 * (segments S and T, and U, which finds S by its key).
 */
import fc from 'fast-check'
import type { Backing, Scenario, Step } from '../../scenario/types'

const backingArb: fc.Arbitrary<Backing> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Backing>({ kind: 'anon' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file' as const), file: fc.constantFrom('F', 'G'), pgoff: fc.nat(6), fs: fc.constantFrom('ext4' as const, 'tmpfs' as const, 'overlayfs' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shmem' as const), file: fc.constant('M'), pgoff: fc.nat(6) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('device' as const), file: fc.constantFrom('/dev/zero', '/dev/drv'), pgoff: fc.nat(4),
      hook: fc.constantFrom('mmap' as const, 'mmap_prepare' as const), setsFlags: fc.constantFrom<string[]>([], ['VM_PFNMAP', 'VM_IO'], ['VM_DONTDUMP']),
    }),
  },
)

export function stepArb(W: number, all = false): fc.Arbitrary<Step> {
  const at = fc.nat(W - 1)
  const len = fc.integer({ min: 0, max: 6 })
  const prot = fc.constantFrom('rw-', 'r--', '---', 'r-x', 'rwx')
  const steps: { weight: number; arbitrary: fc.Arbitrary<Step> }[] = [
    { weight: 5, arbitrary: fc.record({ op: fc.constant('mmap' as const), name: fc.constantFrom('A', 'B', 'C', 'D'), at, pages: len, prot, share: fc.constantFrom('private' as const, 'private' as const, 'shared' as const), backing: backingArb }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('munmap' as const), at, pages: len }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('mprotect' as const), at, pages: len, prot }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('madvise' as const), at, pages: len, advice: fc.constantFrom('MADV_MERGEABLE' as const, 'MADV_UNMERGEABLE' as const) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('prctl' as const), option: fc.constant('PR_SET_MEMORY_MERGE' as const), value: fc.constantFrom(0, 1) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('touch' as const), at, pages: len, write: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant<Step>({ op: 'fork' }) },
  ]
  if (all) {
    steps.push(
      { weight: 1, arbitrary: fc.record({ op: fc.constant('brk' as const), pages: fc.nat(6) }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('mremap' as const), at, pages: len, newPages: len, mayMove: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('mremap' as const), at, pages: len, newPages: len, to: at }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('shmget' as const), segment: fc.constantFrom('S', 'T', 'U'), pages: len }).map((g) => ({ ...g, key: g.segment === 'T' ? 9 : 7 })) },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constant('shmat' as const), segment: fc.constantFrom('S', 'T', 'U'), at,
          flags: fc.subarray(['SHM_RDONLY', 'SHM_EXEC', 'SHM_REMAP'] as const).map((f) => [...f]),
        }),
      },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('shmdt' as const), at }) },
    )
  }
  return fc.oneof(...steps)
}

export function scenarioArb(W: number, options: { all?: boolean; maxMapCount?: fc.Arbitrary<number | undefined> } = {}): fc.Arbitrary<Scenario> {
  const base = fc.array(stepArb(W, options.all), { minLength: 1, maxLength: 14 })
  if (!options.all) return base.map((steps) => ({ format: 'vma-scenario/3', windowPages: W, placement: 'fixed', steps }))
  return fc.tuple(base, options.maxMapCount ?? fc.constant(undefined)).map(([steps, maxMapCount]) => ({
    format: 'vma-scenario/3', windowPages: W, placement: 'fixed', brkBase: W - 10, steps, ...(maxMapCount !== undefined ? { maxMapCount } : {}),
  }))
}
