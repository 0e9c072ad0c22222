import { describe, expect, it } from 'vitest'
import { loadScenario } from './load'

const doc = (vmas: unknown[], extra: Record<string, unknown> = {}) => ({ format: 'vma-scenario/1', windowPages: 100, initial: { vmas }, steps: [], ...extra })
const vma = (fields: Record<string, unknown>) => ({ start: 0, end: 2, prot: 'rw-', share: 'private', backing: 'anon', ...fields })
const errorOf = (input: unknown) => {
  const r = loadScenario(input)
  return r.ok ? null : r.text
}

describe('initial (the address space a scenario starts with)', () => {
  it('loads a valid layout, keeping absent pgoff absent (the engine chooses it)', () => {
    const r = loadScenario(doc([vma({}), vma({ start: 4, end: 6, backing: 'file', file: 'F', pgoff: 3, flags: ['VM_READ', 'VM_WRITE', 'VM_MAYREAD'] })], { initial: undefined }))
    expect(r.ok).toBe(true)
    const r2 = loadScenario(doc([vma({}), vma({ start: 4, end: 6, backing: 'file', file: 'F', pgoff: 3 })]))
    if (!r2.ok) throw new Error(r2.text)
    expect(r2.scenario.initial!.vmas[0]!.pgoff).toBeUndefined()
    expect(r2.scenario.initial!.vmas[1]!.pgoff).toBe(3)
  })

  it('names the first bad VMA by its path and says why', () => {
    expect(errorOf(doc([vma({ end: 0 })]))).toBe('initial.vmas[0].end: must be above start (0); a VMA holds at least one page')
    expect(errorOf(doc([vma({ end: 101 })]))).toBe("initial.vmas[0].end: 101 lies past the window's end (windowPages 100)")
    expect(errorOf(doc([vma({ start: 4, end: 8 }), vma({ start: 6, end: 9 })]))).toMatch(/^initial\.vmas\[1\]\.start: 6 overlaps or comes before the VMA above it \(which ends at 8\)/)
    expect(errorOf(doc([vma({ backing: 'file' })]))).toBe('initial.vmas[0].file: required, because the backing is "file"')
    expect(errorOf(doc([vma({ backing: 'stack' })]))).toMatch(/^initial\.vmas\[0\]\.backing: unknown initial backing "stack"; expected one of anon, heap, file, shmem, device/)
    expect(errorOf(doc([vma({ flags: ['VM_READ', 'VM_WRITE', 'VM_FROB'] })]))).toMatch(/^initial\.vmas\[0\]\.flags\[2\]: unknown VM flag "VM_FROB"/)
    expect(errorOf(doc([vma({ flags: ['VM_READ'] })]))).toBe('initial.vmas[0].flags: lacks VM_WRITE, but prot has w')
    expect(errorOf(doc([vma({ prot: 'r--', flags: ['VM_READ', 'VM_EXEC'] })]))).toBe('initial.vmas[0].flags: has VM_EXEC, but prot lacks x')
    expect(errorOf(doc([vma({ share: 'shared', flags: ['VM_READ', 'VM_WRITE'] })]))).toBe('initial.vmas[0].flags: lacks VM_MAYSHARE, but share is "shared"')
    expect(errorOf(doc([vma({ anonVma: 0 })]))).toMatch(/^initial\.vmas\[0\]\.anonVma: expected an anon_vma number/)
    expect(errorOf({ ...doc([]), initial: { base: '7f00', vmas: [] } })).toMatch(/^initial\.base: expected a hex address like "0x7f0000000000"/)
    expect(errorOf({ ...doc([]), initial: {} })).toBe('initial.vmas: required')
  })
})
