/**
 * Property: the engine never throws on a valid scenario. Random documents of
 * every op and backing — zero lengths, pages up to 2^36, windows up to the whole
 * address space, tiny max_map_count, any base — shortened to end inside the
 * window (a range past it is a scenario error) and accepted by the loader must
 * run on every kernel profile, and every step must end in a result: no error,
 * or an errno a real kernel returns.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../scenario/load'
import { FILE_HOOKS, FILE_SYSTEMS, HOOK_SETTABLE_FLAGS, MAP_FLAGS, MAX_PAGE_VALUE, MAX_WINDOW_PAGES, SHMAT_FLAGS } from '../scenario/schema'
import { KERNEL_IDS } from './api'
import { simulate } from './simulate'
import { traceToRunnerJson } from './report'
import { insideWindow } from './testing/inside-window'

const KERNEL_ERRNOS = new Set(['EINVAL', 'ENOMEM', 'EEXIST', 'EFAULT', 'EACCES', 'EPERM', 'EAGAIN', 'ENODEV', 'EOVERFLOW', 'EBUSY', 'ETXTBSY', 'EOPNOTSUPP', 'ENOSYS', 'ENOSPC'])

const absurd = fc.constantFrom(0, 1, 2, 511, 512, 513, 1023, 2 ** 20, 2 ** 31, 2 ** 35 - 1, 2 ** 35, MAX_PAGE_VALUE - 1, MAX_PAGE_VALUE)
const page = fc.oneof({ weight: 6, arbitrary: fc.nat(12) }, { weight: 2, arbitrary: fc.nat(64) }, { weight: 1, arbitrary: absurd })
const count = fc.oneof({ weight: 6, arbitrary: fc.nat(8) }, { weight: 2, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: absurd })
const prot = fc.constantFrom('rw-', 'r--', '---', 'r-x', '--x', 'rwx', '-w-')
const file = fc.constantFrom('F', 'G', '/dev/zero')
const backing = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ kind: 'anon' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('file'), file, pgoff: page, fs: fc.constantFrom(...FILE_SYSTEMS), hook: fc.constantFrom(...FILE_HOOKS) }, { requiredKeys: ['kind', 'file', 'pgoff'] }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shmem'), file, pgoff: page }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('device'), file, pgoff: page, hook: fc.constantFrom('mmap', 'mmap_prepare'), setsFlags: fc.subarray([...HOOK_SETTABLE_FLAGS]) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('secretmem', 'perf', 'io_uring'), file, pgoff: fc.oneof(fc.constantFrom(0, 32768, 65536), page) }) },
)
const mmap = (placement: 'fixed' | 'kernel') => fc.record(
  { op: fc.constant('mmap'), name: fc.constantFrom('A', 'B'), at: page, pages: count, prot, share: fc.constantFrom('private', 'shared'), backing, mapFlags: fc.subarray([...MAP_FLAGS]) },
  { requiredKeys: placement === 'fixed' ? ['op', 'at', 'pages', 'prot', 'share', 'backing'] : ['op', 'pages', 'prot', 'share', 'backing'] },
)
const step = (placement: 'fixed' | 'kernel') => fc.oneof(
  { weight: 6, arbitrary: mmap(placement) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('munmap'), at: page, pages: count }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('mprotect'), at: page, pages: count, prot }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('madvise'), at: page, pages: count, advice: fc.constantFrom('MADV_MERGEABLE', 'MADV_UNMERGEABLE') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('prctl'), option: fc.constant('PR_SET_MEMORY_MERGE'), value: fc.constantFrom(0, 1, 2 ** 40) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('brk'), pages: count }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('touch'), at: page, pages: count, write: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'fork' }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('mremap'), at: page, pages: count, newPages: count, to: page, mayMove: fc.boolean() }, { requiredKeys: ['op', 'at', 'pages', 'newPages'] }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pkey_mprotect'), at: page, pages: count, prot, pkey: fc.oneof(fc.integer({ min: -2, max: 17 }), fc.constantFrom(-2147483648, 2147483647)) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'pkey_alloc' }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('pkey_free'), pkey: fc.integer({ min: -1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('shmget'), segment: fc.constantFrom('S', 'T'), key: fc.constantFrom(0, 7, 0xffffffff), pages: count, exclusive: fc.boolean() }, { requiredKeys: ['op', 'segment', 'pages'] }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { op: fc.constant('shmat'), segment: fc.constantFrom('S', 'T', 'X'), at: page, offset: fc.constantFrom(0, 1, 4095), flags: fc.subarray([...SHMAT_FLAGS]) },
      { requiredKeys: placement === 'fixed' ? ['op', 'segment', 'at'] : ['op', 'segment'] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('shmdt'), at: page, offset: fc.constantFrom(0, 0, 8) }, { requiredKeys: ['op', 'at'] }) },
)
const doc = fc.constantFrom<'fixed' | 'kernel'>('fixed', 'fixed', 'kernel').chain((placement) => fc.record({
  format: fc.constantFrom('vma-scenario/1', 'vma-scenario/3'),
  windowPages: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: fc.constantFrom(1, 512, 2560, 2 ** 20, MAX_WINDOW_PAGES) }),
  placement: fc.constant(placement),
  brkBase: page,
  maxMapCount: fc.constantFrom(0, 1, 2, 5, 65530),
  base: fc.constantFrom('0x0', '0x1000', '0x500000001000', '0x7f0000000000', '0xfffffffffffff000'),
  machine: fc.record({ protectionKeys: fc.boolean() }, { requiredKeys: [] }),
  steps: fc.array(step(placement), { minLength: 1, maxLength: 16 }),
}, { requiredKeys: ['format', 'placement', 'steps'] }).map((d) => ({ ...d, steps: insideWindow(d.steps, (d.windowPages as number | undefined) ?? 1024) })))

describe('the engine never throws on a valid scenario', () => {
  it.each(KERNEL_IDS)('kernel %s: every step ends in a result or a kernel errno', (kernel) => {
    let valid = 0
    fc.assert(fc.property(doc, (raw) => {
      const loaded = loadScenario(raw)
      if (!loaded.ok) return // not a valid scenario: the loader's business, tested elsewhere
      valid++
      const runner = traceToRunnerJson(simulate(loaded.scenario, kernel))
      expect(runner.steps).toHaveLength(loaded.scenario.steps.length)
      for (const s of runner.steps) if (s.error !== null) expect(KERNEL_ERRNOS, `step ${s.index} ${s.summary}`).toContain(s.error)
    }), { seed: 0x9e9, numRuns: Number(process.env.VMASCOPE_PROPERTY_RUNS ?? 300) })
    expect(valid).toBeGreaterThan(200)
  })
})
