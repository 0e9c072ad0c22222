/**
 * Golden tests for mm/madvise.c (./madvise.ts) and MAP_STACK, one describe per kernel
 * function that decides. The expected layouts and errnos were read from the kernel source
 * and are the ones this machine's 6.18 gives: the same rules run against the real kernel in
 * src/fidelity/scenarios/i11-*.json (the fidelity test).
 */
import { describe, expect, it } from 'vitest'
import type { Backing, MadviseAdvice, Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'
import type { KernelId, VmaView } from '../api'

const anon: Backing = { kind: 'anon' }
const map = (name: string, at: number, pages: number, extra: Record<string, unknown> = {}): Step =>
  ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: anon, ...extra }) as Step
const advise = (at: number, pages: number, advice: MadviseAdvice): Step => ({ op: 'madvise', at, pages, advice })
const scenario = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra })
const layout = (vs: VmaView[]) => vs.map((v) => `[${v.start},${v.end})`).join(' ')
const run = (steps: Step[], kernel: KernelId = '6.18', extra: Partial<Scenario> = {}) => simulate(scenario(steps, extra), kernel)
const final = (steps: Step[], kernel: KernelId = '6.18') => { const t = run(steps, kernel); return t.vmasAt(t.steps.length) }
const errors = (steps: Step[]) => run(steps).steps.map((s) => s.error)
const fileExt4: Backing = { kind: 'file', file: 'F', pgoff: 0, fs: 'ext4' }
const devZero: Backing = { kind: 'device', file: '/dev/zero', pgoff: 0, hook: 'mmap', setsFlags: [] }

describe('madvise_vma_behavior → madvise_update_vma: flag advices split and merge', () => {
  it('MADV_DONTFORK splits off VM_DONTCOPY; MADV_DOFORK clears it and the pieces merge back (vma_modify_flags)', () => {
    const t = run([map('A', 0, 8), advise(2, 2, 'MADV_DONTFORK'), advise(2, 2, 'MADV_DOFORK')])
    expect(layout(t.vmasAt(2))).toBe('[0,2) [2,4) [4,8)')
    expect(t.vmasAt(2)[1]!.flags).toContain('VM_DONTCOPY')
    expect(layout(t.vmasAt(3))).toBe('[0,8)')
    expect(t.steps[2]!.outcome).toBe('merged-both')
  })
  it('SEQUENTIAL and RANDOM exclude each other; NORMAL clears both', () => {
    const t = run([map('A', 0, 4), advise(0, 2, 'MADV_SEQUENTIAL'), advise(0, 1, 'MADV_RANDOM'), advise(0, 4, 'MADV_NORMAL')])
    expect(t.vmasAt(3).map((v) => v.flags.filter((f) => f === 'VM_SEQ_READ' || f === 'VM_RAND_READ'))).toEqual([['VM_RAND_READ'], ['VM_SEQ_READ'], []])
    expect(layout(t.vmasAt(4))).toBe('[0,4)')
  })
  it('hugepage_madvise: HUGEPAGE and NOHUGEPAGE exclude each other', () => {
    const vs = final([map('A', 0, 4), advise(0, 4, 'MADV_HUGEPAGE'), advise(2, 2, 'MADV_NOHUGEPAGE')])
    expect(vs.map((v) => v.flags.filter((f) => f.includes('HUGEPAGE')))).toEqual([['VM_HUGEPAGE'], ['VM_NOHUGEPAGE']])
  })
  it('an advice that leaves the flags as they are attempts no merge', () => {
    const t = run([map('A', 0, 4), advise(0, 4, 'MADV_DOFORK')])
    expect(t.steps[1]!.outcome).toBe('unchanged')
    expect(t.steps[1]!.checks.some((c) => c.fn === 'madvise_update_vma' && c.rule === 'unchanged')).toBe(true)
  })
  it('madvise_walk_vmas: a hole gives ENOMEM after the mapped parts were advised', () => {
    const t = run([map('A', 0, 2), map('B', 4, 2, { prot: 'r--' }), advise(0, 8, 'MADV_DONTDUMP')])
    expect(t.steps[2]!.error).toBe('ENOMEM')
    expect(t.vmasAt(3).every((v) => v.flags.includes('VM_DONTDUMP'))).toBe(true)
  })
  it('a split refused at max_map_count is ENOMEM in __split_vma, which madvise answers as EAGAIN; the first split stays', () => {
    const t = run([map('A', 0, 8), map('B', 10, 2), advise(2, 2, 'MADV_DONTFORK')], '6.18', { maxMapCount: 3 })
    expect(t.steps[2]!.error).toBe('EAGAIN')
    expect(layout(t.vmasAt(3))).toBe('[0,2) [2,8) [10,12)')
  })
})

describe('madvise_vma_behavior: the advices it refuses', () => {
  it('MADV_WIPEONFORK is EINVAL on a shared mapping, a file and private /dev/zero (vma->vm_file)', () => {
    expect(errors([map('S', 0, 2, { share: 'shared' }), advise(0, 2, 'MADV_WIPEONFORK')])).toEqual([null, 'EINVAL'])
    expect(errors([map('F', 0, 2, { prot: 'r--', backing: fileExt4 }), advise(0, 2, 'MADV_WIPEONFORK')])).toEqual([null, 'EINVAL'])
    expect(errors([map('Z', 0, 2, { backing: devZero }), advise(0, 2, 'MADV_WIPEONFORK')])).toEqual([null, 'EINVAL'])
    expect(final([map('A', 0, 2), advise(0, 2, 'MADV_WIPEONFORK')])[0]!.flags).toContain('VM_WIPEONFORK')
  })
  it('MADV_KEEPONFORK and MADV_DODUMP are EINVAL on VM_DROPPABLE', () => {
    const d = map('D', 0, 2, { mapFlags: ['MAP_DROPPABLE'] })
    expect(errors([d, advise(0, 2, 'MADV_KEEPONFORK'), advise(0, 2, 'MADV_DODUMP'), advise(0, 2, 'MADV_DONTDUMP')])).toEqual([null, 'EINVAL', 'EINVAL', null])
  })
  it('MADV_DOFORK is EINVAL on VM_IO; MADV_DODUMP on VM_SPECIAL', () => {
    const io: Backing = { kind: 'device', file: '/dev/io', pgoff: 0, hook: 'mmap', setsFlags: ['VM_IO', 'VM_DONTCOPY', 'VM_DONTDUMP'] }
    expect(errors([map('I', 0, 2, { share: 'shared', backing: io }), advise(0, 2, 'MADV_DOFORK'), advise(0, 2, 'MADV_DODUMP')])).toEqual([null, 'EINVAL', 'EINVAL'])
  })
})

describe('dup_mmap: fork honours VM_DONTCOPY and VM_WIPEONFORK', () => {
  it('the child lacks the VM_DONTCOPY VMA; the VM_WIPEONFORK one has no anon_vma, the rest keep one', () => {
    const t = run([map('A', 0, 4), { op: 'touch', at: 0, pages: 4, write: true }, advise(0, 2, 'MADV_WIPEONFORK'), map('B', 6, 2), advise(6, 2, 'MADV_DONTFORK'), { op: 'fork' }])
    const child = t.vmasAt(t.steps.length)
    expect(layout(child)).toBe('[0,2) [2,4)')
    expect(child[0]!.anonVma).toBeNull()
    expect(child[1]!.anonVma).not.toBeNull()
  })
})

describe('madvise_dontneed_free / can_madv_lru_vma / madvise_willneed: advices that leave the VMAs alone', () => {
  it('DONTNEED, FREE, WILLNEED, COLD and PAGEOUT neither split nor merge', () => {
    for (const advice of ['MADV_DONTNEED', 'MADV_FREE', 'MADV_WILLNEED', 'MADV_COLD', 'MADV_PAGEOUT'] as const) {
      const t = run([map('A', 0, 4), advise(1, 2, advice)])
      expect([t.steps[1]!.error, layout(t.vmasAt(2)), t.steps[1]!.outcome], advice).toEqual([null, '[0,4)', 'unchanged'])
    }
  })
  it('refuse VM_LOCKED (DONTNEED, FREE, COLD, PAGEOUT) but not WILLNEED; FREE refuses what is not anonymous', () => {
    const locked = map('L', 0, 2, { mapFlags: ['MAP_LOCKED'] })
    expect(errors([locked, advise(0, 2, 'MADV_DONTNEED'), advise(0, 2, 'MADV_FREE'), advise(0, 2, 'MADV_COLD'), advise(0, 2, 'MADV_PAGEOUT'), advise(0, 2, 'MADV_WILLNEED')]))
      .toEqual([null, 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', null])
    expect(errors([map('S', 0, 2, { share: 'shared' }), advise(0, 2, 'MADV_FREE'), advise(0, 2, 'MADV_DONTNEED')])).toEqual([null, 'EINVAL', null])
    expect(errors([map('F', 0, 2, { prot: 'r--', backing: fileExt4 }), advise(0, 2, 'MADV_FREE'), advise(0, 2, 'MADV_COLD')])).toEqual([null, 'EINVAL', null])
  })
})

describe('madvise_populate: MADV_POPULATE_READ/WRITE fault pages in', () => {
  it('a write populate gives the VMA an anon_vma; a read populate does not', () => {
    expect(final([map('A', 0, 4), advise(0, 4, 'MADV_POPULATE_READ')])[0]!.anonVma).toBeNull()
    expect(final([map('A', 0, 4), advise(0, 4, 'MADV_POPULATE_WRITE')])[0]!.anonVma).not.toBeNull()
  })
  it('check_vma_flags refusals are EINVAL (no VM_WRITE for a write, no VM_READ for a read); a hole is ENOMEM', () => {
    expect(errors([map('R', 0, 2, { prot: 'r--' }), advise(0, 2, 'MADV_POPULATE_WRITE'), advise(0, 2, 'MADV_POPULATE_READ')])).toEqual([null, 'EINVAL', null])
    expect(errors([map('N', 0, 2, { prot: '---' }), advise(0, 2, 'MADV_POPULATE_READ')])).toEqual([null, 'EINVAL'])
    const t = run([map('A', 0, 2), advise(0, 4, 'MADV_POPULATE_WRITE')])
    expect(t.steps[1]!.error).toBe('ENOMEM')
    expect(t.vmasAt(2)[0]!.anonVma).not.toBeNull() // the pages before the hole stay populated
  })
})

describe('calc_vm_flag_bits: MAP_STACK', () => {
  it('gives VM_NOHUGEPAGE from 6.7 (c4608d1bf7c6), so it does not merge with plain anonymous memory; 6.6 ignores it', () => {
    const steps = [map('A', 0, 2), map('S', 2, 2, { mapFlags: ['MAP_STACK'] }), map('T', 4, 2, { mapFlags: ['MAP_STACK'] })]
    const now = final(steps)
    expect(layout(now)).toBe('[0,2) [2,6)')
    expect(now[1]!.flags).toContain('VM_NOHUGEPAGE')
    expect(layout(final(steps, '6.6'))).toBe('[0,6)')
  })
})
