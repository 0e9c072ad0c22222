import { describe, expect, it } from 'vitest'
import { baseName, mapsHeaderLine, sizeLine, stripName, vmaDetailRows, vmFlagsLine } from './smaps'
import { testVma } from './test-strip'

const base = 0x7f0000000000n

describe('smaps lines', () => {
  it('writes the /proc/PID/maps header of an anon VMA: offset 0 whatever vm_pgoff is, no made-up name', () => {
    const vma = { ...testVma(4, 6, 'anon', true, 1), names: ['A'], pgoff: 0x7f0000004 }
    expect(mapsHeaderLine(vma, base)).toBe('7f0000004000-7f0000006000 rw-p 00000000 00:00 0')
    expect(sizeLine(vma)).toBe('Size:                  8 kB')
    expect(vmFlagsLine(vma)).toBe('VmFlags: rd wr mg')
  })

  it('shows a shared file mapping with its byte offset and path, and no invented device or inode', () => {
    const vma = { ...testVma(16, 20, 'file', false, 2), share: 'shared' as const, pgoff: 3, file: 'data.bin', fileId: 7 }
    expect(mapsHeaderLine(vma, base)).toBe('7f0000010000-7f0000014000 rw-s 00003000 ??:?? ? data.bin')
    expect(vmaDetailRows(vma).find((r) => r.label === 'dev, inode')?.value).toMatch(/^not simulated/)
  })

  it('names the heap [heap] and an unnamed anon VMA not at all', () => {
    expect(mapsHeaderLine({ ...testVma(0, 1, 'heap', false, 3), names: [] }, 0n)).toBe('00000000-00001000 rw-p 00000000 00:00 0 [heap]')
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

describe('strip labels', () => {
  it('draw a path as its base name (the tooltip and the table keep the full path)', () => {
    const libc = { ...testVma(0, 4, 'file', false, 9), names: ['/usr/lib/x86_64-linux-gnu/libc.so.6'], file: '/usr/lib/x86_64-linux-gnu/libc.so.6' }
    expect(stripName(libc)).toBe('libc.so.6')
    expect(mapsHeaderLine(libc, base)).toContain('/usr/lib/x86_64-linux-gnu/libc.so.6')
    expect(stripName({ ...testVma(0, 1, 'file', false, 10), names: [], file: '/srv/data.bin (tmpfs)' })).toBe('data.bin')
    expect(baseName('[stack]')).toBe('[stack]')
    expect(stripName({ ...testVma(0, 1, 'anon', false, 11), names: ['A', 'B'] })).toBe('A+B')
  })
})
