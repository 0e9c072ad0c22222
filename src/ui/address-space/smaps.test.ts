import { describe, expect, it } from 'vitest'
import { mapsHeaderLine, sizeLine, vmaDetailRows, vmFlagsLine } from './smaps'
import { testVma } from './test-strip'

const base = 0x7f0000000000n

describe('smaps lines', () => {
  it('writes the /proc/PID/maps header of an anon VMA with its names', () => {
    const vma = { ...testVma(0, 2, 'anon', true, 1), names: ['A'] }
    expect(mapsHeaderLine(vma, base)).toBe('7f0000000000-7f0000002000 rw-p 00000000 00:00 0  [A]')
    expect(sizeLine(vma)).toBe('Size:                  8 kB')
    expect(vmFlagsLine(vma)).toBe('VmFlags: rd wr mg')
  })

  it('shows a shared file mapping with its byte offset, file id and path', () => {
    const vma = { ...testVma(16, 20, 'file', false, 2), share: 'shared' as const, pgoff: 3, file: 'data.bin', fileId: 7 }
    expect(mapsHeaderLine(vma, base)).toBe('7f0000010000-7f0000014000 rw-s 00003000 00:00 7  data.bin')
  })

  it('names the heap [heap] and an unnamed anon VMA not at all', () => {
    expect(mapsHeaderLine({ ...testVma(0, 1, 'heap', false, 3), names: [] }, 0n)).toBe('00000000-00001000 rw-p 00000000 00:00 0  [heap]')
    expect(mapsHeaderLine({ ...testVma(0, 1, 'anon', false, 4), names: [] }, 0n)).toBe('00000000-00001000 rw-p 00000000 00:00 0')
  })

  it('says "none (unfaulted)" when there is no anon_vma', () => {
    const rows = vmaDetailRows(testVma(0, 1, 'anon', false, 5))
    expect(rows.find((r) => r.label === 'anon_vma')?.value).toBe('none (unfaulted)')
    const faulted = vmaDetailRows({ ...testVma(0, 1, 'anon', false, 5), anonVma: 12, forkChild: true })
    expect(faulted.find((r) => r.label === 'anon_vma')?.value).toBe('#12')
    expect(faulted.find((r) => r.label === 'fork child')?.value).toMatch(/^yes/)
  })
})
