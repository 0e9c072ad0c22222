/**
 * Golden tests for protection keys (./pkeys.ts, and the key in do_mprotect_pkey() and do_mmap()).
 * The expectations were read from arch/x86/include/asm/pkeys.h, arch/x86/mm/pkeys.c and
 * mm/mprotect.c. The CPU without protection keys is what this machine's 6.18.44 gives
 * (src/fidelity/scenarios/i11-pkey-mprotect-no-keys.json runs the same calls for real); the one
 * with them is src/fidelity/scenarios/i11-pkey-mprotect-keys.json, recorded only on such a CPU.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import type { KernelId, VmaView } from '../api'
import { replayStep, simulate } from '../simulate'

const map = (name: string, at: number, pages: number, prot = 'rw-'): Step =>
  ({ op: 'mmap', name, at, pages, prot, share: 'private', backing: { kind: 'anon' } }) as Step
const pkeyMprotect = (at: number, pages: number, prot: string, pkey: number): Step => ({ op: 'pkey_mprotect', at, pages, prot, pkey }) as Step
const mprotect = (at: number, pages: number, prot: string): Step => ({ op: 'mprotect', at, pages, prot }) as Step
const alloc: Step = { op: 'pkey_alloc' }
const free = (pkey: number): Step => ({ op: 'pkey_free', pkey })
const run = (steps: Step[], protectionKeys: boolean, kernel: KernelId = '6.18') =>
  simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', machine: { protectionKeys }, steps } satisfies Scenario, kernel)
const keyOf = (v: VmaView) => ['VM_PKEY_BIT0', 'VM_PKEY_BIT1', 'VM_PKEY_BIT2', 'VM_PKEY_BIT3'].reduce((k, bit, b) => (v.flags.includes(bit) ? k | (1 << b) : k), 0)
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end}) ${v.prot} ${keyOf(v)}`).join(' ')

describe('a CPU with protection keys', () => {
  it('pkey_alloc() returns the lowest free key, key 0 being taken from the start; ENOSPC after 15', () => {
    const t = run(Array.from({ length: 16 }, () => alloc), true)
    expect(t.steps.slice(0, 15).map((s) => s.returned)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    expect(t.steps[15]!.error).toBe('ENOSPC')
    expect(t.steps[15]!.returned).toBeUndefined()
  })
  it('pkey_mprotect() splits off the range with its key; VMAs with different keys do not merge; the same key merges', () => {
    //   AAAAAA → AA11AA → AA1111 → 221111 → AAAAAA (key 0 everywhere)
    const t = run([map('A', 0, 6), alloc, alloc, pkeyMprotect(2, 2, 'rw-', 1), pkeyMprotect(4, 2, 'rw-', 1), pkeyMprotect(0, 2, 'rw-', 2), pkeyMprotect(0, 6, 'rw-', 0)], true)
    expect(layout(t.vmasAt(4))).toBe('[0,2) rw- 0 [2,4) rw- 1 [4,6) rw- 0')
    expect(layout(t.vmasAt(5))).toBe('[0,2) rw- 0 [2,6) rw- 1')
    expect(layout(t.vmasAt(6))).toBe('[0,2) rw- 2 [2,6) rw- 1')
    expect(layout(t.vmasAt(7))).toBe('[0,6) rw- 0')
    expect(t.steps[4]!.outcome).toBe('merged-prev')
  })
  it('mprotect() keeps a VMA\'s key (arch_override_mprotect_pkey() inherits vma_pkey()), so it does not merge back', () => {
    const t = run([map('A', 0, 6), alloc, pkeyMprotect(2, 2, 'rw-', 1), mprotect(2, 2, 'r--'), mprotect(2, 2, 'rw-')], true)
    expect(layout(t.vmasAt(4))).toBe('[0,2) rw- 0 [2,4) r-- 1 [4,6) rw- 0')
    expect(layout(t.vmasAt(5))).toBe('[0,2) rw- 0 [2,4) rw- 1 [4,6) rw- 0')
  })
  it('a key that is not allocated is EINVAL before any VMA is looked at: freed, never returned, 16, the execute-only key', () => {
    const t = run([map('A', 0, 4), alloc, free(1), pkeyMprotect(0, 2, 'r--', 1), free(1), pkeyMprotect(0, 2, 'r--', 16), pkeyMprotect(10, 2, 'r--', 3), pkeyMprotect(10, 2, 'r--', -1), pkeyMprotect(0, 0, 'r--', 9)], true)
    expect(t.steps.map((s) => s.error)).toEqual([null, null, null, 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', 'ENOMEM', null])
  })
  it('PROT_EXEC alone takes the execute-only key, which no call may name and which denies reads; a key of pkey_mprotect() is not overridden', () => {
    const t = run([
      map('X', 0, 2, '--x'), { op: 'touch', at: 0, pages: 1, write: false }, alloc, pkeyMprotect(0, 2, '--x', 2),
      { op: 'touch', at: 0, pages: 1, write: false }, mprotect(0, 2, '--x'), pkeyMprotect(0, 2, '--x', 1), free(1), mprotect(0, 2, 'r-x'),
    ], true)
    expect(layout(t.vmasAt(1))).toBe('[0,2) --x 1')
    expect(t.steps[1]!.error).toBe('EFAULT')
    expect(t.steps[2]!.returned).toBe(2)
    expect(layout(t.vmasAt(4))).toBe('[0,2) --x 2')
    expect(t.steps[4]!.error).toBeNull()
    expect(layout(t.vmasAt(6))).toBe('[0,2) --x 1')
    expect(t.steps[6]!.error).toBe('EINVAL')
    expect(t.steps[7]!.error).toBe('EINVAL')
    expect(layout(t.vmasAt(9))).toBe('[0,2) r-x 0')
  })
  it('fork copies the allocation; a replayed step comes to the same result (the keys are in the step columns)', () => {
    const t = run([map('A', 0, 4), alloc, { op: 'fork' }, pkeyMprotect(0, 2, 'rw-', 1), alloc], true)
    expect(t.steps[3]!.error).toBeNull()
    expect(t.steps[4]!.returned).toBe(2)
    expect(replayStep(t, 5)!.error).toBeNull()
    expect(replayStep(t, 5)!.checks.some((c) => c.text.includes('returns key 2'))).toBe(true)
  })
})

describe('a CPU without protection keys (this machine)', () => {
  it('pkey_mprotect() with any key but -1 is EINVAL, key 0 included; -1 is mprotect', () => {
    const t = run([map('A', 0, 4), pkeyMprotect(0, 2, 'r--', 0), pkeyMprotect(0, 2, 'r--', 1), pkeyMprotect(0, 2, 'r--', -2), pkeyMprotect(0, 2, 'r--', -1)], false)
    expect(t.steps.map((s) => s.error)).toEqual([null, 'EINVAL', 'EINVAL', 'EINVAL', null])
    expect(layout(t.vmasAt(5))).toBe('[0,2) r-- 0 [2,4) rw- 0')
  })
  it('pkey_alloc() is EINVAL, and key 0 stays taken, so the next one is ENOSPC, in a fork child too; pkey_free() is EINVAL', () => {
    const t = run([alloc, alloc, free(0), { op: 'fork' }, alloc], false)
    expect(t.steps.map((s) => s.error)).toEqual(['EINVAL', 'ENOSPC', 'EINVAL', null, 'ENOSPC'])
  })
  it('an execute-only mapping has no key and is readable', () => {
    const t = run([map('X', 0, 2, '--x'), { op: 'touch', at: 0, pages: 1, write: false }], false)
    expect(layout(t.vmasAt(1))).toBe('[0,2) --x 0')
    expect(t.steps[1]!.error).toBeNull()
  })
})
