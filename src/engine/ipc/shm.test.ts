/**
 * Golden tests for ipc/shm.c (./shm.ts): shmget, shmat (do_shmat() → do_mmap() → shm_mmap())
 * and shmdt (ksys_shmdt()). The layouts were written down from a C program run on this
 * machine's 6.18.44 (the same calls at the same pages of a 64-page window; smaps lines in the
 * comments); src/fidelity/scenarios/i11-sysv-shm*.json run them through the recorder.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { KERNEL_IDS, type KernelId, type VmaView } from '../api'
import { simulate } from '../simulate'

const anon = (at: number, pages: number): Step => ({ op: 'mmap', at, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' } })
const shmget = (segment: string, pages: number, key = 0, extra: Record<string, unknown> = {}): Step => ({ op: 'shmget', segment, key, pages, ...extra }) as Step
const shmat = (segment: string, at: number | undefined, flags: string[] = [], offset = 0): Step =>
  ({ op: 'shmat', segment, ...(at !== undefined ? { at } : {}), ...(flags.length ? { flags } : {}), ...(offset ? { offset } : {}) }) as Step
const shmdt = (at: number): Step => ({ op: 'shmdt', at })
const run = (steps: Step[], kernel: KernelId = '6.18', placement: 'fixed' | 'kernel' = 'fixed') =>
  simulate({ format: 'vma-scenario/3', windowPages: 64, placement, steps } satisfies Scenario, kernel)
/** "[start,end) perms pgoff mnemonics file" per VMA, as smaps would show it. */
const layout = (vs: VmaView[]) =>
  vs.map((v) => `[${v.start},${v.end}) ${v.prot}${v.share === 'shared' ? 's' : 'p'} ${v.backing === 'anon' ? '' : `${v.pgoff} `}${v.mnemonics.join(' ')}${v.file ? ` ${v.file}` : ''}`)

const S = '/SYSV1234abcd (deleted)'
const T = '/SYSV00000000 (deleted)'

/** S's second attach, T's read-only and T's executable one, as steps 5–7 make them. */
const LATER_ATTACHES = [
  `[8,12) rw-s 0 rd wr sh mr mw me ms ${S}`,
  `[12,16) r--s 0 rd mr me ms ${T}`,
  `[20,24) rwxs 0 rd wr ex sh mr mw me ms ${T}`,
]

// The machine's run, steps 1–7: an anonymous mapping, two segments, four attaches.
const ATTACHES: Step[] = [
  anon(0, 4), shmget('S', 4, 0x1234abcd), shmget('T', 4),
  shmat('S', 4), shmat('S', 8), shmat('T', 12, ['SHM_RDONLY']), shmat('T', 20, ['SHM_EXEC']),
]

describe('do_shmat → do_mmap → shm_mmap', () => {
  it('maps the whole segment shared at pgoff 0; SHM_RDONLY clears VM_MAYWRITE and VM_SHARED; SHM_EXEC adds PROT_EXEC; two attaches never merge', () => {
    const t = run(ATTACHES)
    expect(t.steps.map((s) => s.error)).toEqual([null, null, null, null, null, null, null])
    // 7f..7b000-7f..7f000 rw-p ac; 7f000-83000 rw-s "rd wr sh mr mw me ms" /SYSV1234abcd (deleted); 83000-87000 the same;
    // 87000-8b000 r--s "rd mr me ms" /SYSV00000000 (deleted); 8f000-93000 rwxs "rd wr ex sh mr mw me ms"
    expect(layout(t.vmasAt(7))).toEqual([
      '[0,4) rw-p rd wr mr mw me ac',
      `[4,8) rw-s 0 rd wr sh mr mw me ms ${S}`,
      ...LATER_ATTACHES,
    ])
    expect(t.steps.slice(3).map((s) => s.outcome)).toEqual(['new', 'new', 'new', 'new'])
    // Each attach is a struct file of its own (alloc_file_clone()), and its VMA has vm_ops->close.
    const vmas = t.vmasAt(7)
    expect(new Set(vmas.slice(1).map((v) => v.fileId)).size).toBe(4)
    expect(vmas.slice(1).every((v) => v.vmOpsClose)).toBe(true)
  })

  it('EINVAL over an existing VMA without SHM_REMAP; SHM_REMAP replaces what is there (MAP_FIXED), leaving the old attach\'s tail', () => {
    const t = run([...ATTACHES, shmat('S', 2), shmat('T', 2, ['SHM_REMAP'])])
    expect(t.steps[7]!.error).toBe('EINVAL')
    expect(t.steps[8]!.error).toBeNull()
    // 7b000-7d000 rw-p; 7d000-81000 rw-s 0 /SYSV00000000; 81000-83000 rw-s 00002000 /SYSV1234abcd
    expect(layout(t.vmasAt(9)).slice(0, 4)).toEqual([
      '[0,2) rw-p rd wr mr mw me ac',
      `[2,6) rw-s 0 rd wr sh mr mw me ms ${T}`,
      `[6,8) rw-s 2 rd wr sh mr mw me ms ${S}`,
      `[8,12) rw-s 0 rd wr sh mr mw me ms ${S}`,
    ])
  })

  it('SHM_RND rounds an unaligned address down to the page; without it the address is EINVAL; SHM_REMAP needs an address', () => {
    const t = run([...ATTACHES, shmat('T', 30, ['SHM_RND'], 5), shmat('T', 40, [], 5), shmat('T', undefined, ['SHM_REMAP'])], '6.18', 'kernel')
    expect(t.steps.slice(7).map((s) => s.error)).toEqual([null, 'EINVAL', 'EINVAL'])
    expect(t.steps[7]!.range).toEqual([30, 34])
  })

  it('SHM_RND of an address in the first page rounds to 0 and still asks for MAP_FIXED there: EPERM (mmap_min_addr) for an unprivileged process, so unpredictable', () => {
    // As root the recorder's shmat((void *)100, SHM_RND) really mapped the segment at address 0.
    const t = run([shmget('T', 4), shmat('T', undefined, ['SHM_RND'], 100), shmat('T', undefined, ['SHM_RND', 'SHM_REMAP'], 100)], '6.18', 'kernel')
    expect(t.steps.slice(1).map((s) => s.error)).toEqual(['EPERM', 'EINVAL'])
    expect(t.steps[1]!.unpredictable).toMatch(/CAP_SYS_RAWIO/)
    expect(t.vmasAt(2)).toEqual([])
  })

  it('a segment no shmget made is EINVAL; shmget finds a segment by its key, checks its size (EINVAL) and IPC_EXCL (EEXIST); 0 pages is EINVAL', () => {
    const t = run([shmat('X', 0), shmget('A', 4, 7), shmget('B', 2, 7), shmat('B', 0), shmget('C', 8, 7), shmget('D', 1, 7, { exclusive: true }), shmget('E', 0)])
    expect(t.steps.map((s) => s.error)).toEqual(['EINVAL', null, null, null, 'EINVAL', 'EEXIST', 'EINVAL'])
    // B found A by its key: the attach is A's 4 pages.
    expect(layout(t.vmasAt(4))).toEqual(['[0,4) rw-s 0 rd wr sh mr mw me ms /SYSV00000007 (deleted)'])
  })

  it('the kernel places an attach without an address top-down, like any mapping', () => {
    const t = run([shmget('S', 4, 0x1234abcd), shmat('S', undefined)], '6.18', 'kernel')
    expect(t.steps[1]!.range).toEqual([60, 64])
    expect(t.steps[1]!.summary).toBe('shmat S at 60')
  })
})

describe('mprotect, munmap and shmdt of the pieces', () => {
  // After the remap: T's attach at [2,6), S's tail [6,8) (pgoff 2), S at [8,12), T at [12,16) read-only, [20,24).
  const REMAPPED: Step[] = [...ATTACHES, shmat('T', 2, ['SHM_REMAP'])]

  it('mprotect cannot add PROT_WRITE to a SHM_RDONLY attach (no VM_MAYWRITE): EACCES', () => {
    expect(run([...REMAPPED, { op: 'mprotect', at: 12, pages: 1, prot: 'rw-' }]).steps[8]!.error).toBe('EACCES')
  })

  it('mprotect splits an attach; back again, the piece does not merge into its neighbour, which would remove a VMA with vm_ops->close', () => {
    for (const kernel of KERNEL_IDS) {
      const t = run([...REMAPPED, { op: 'mprotect', at: 5, pages: 1, prot: 'r--' }, { op: 'mprotect', at: 5, pages: 1, prot: 'rw-' }], kernel)
      // 7d000-80000 rw-s 0; 80000-81000 r--s 00003000 "rd sh mr mw me ms"; then both rw-s, still two VMAs.
      expect(layout(t.vmasAt(9)).slice(1, 3), kernel).toEqual([`[2,5) rw-s 0 rd wr sh mr mw me ms ${T}`, `[5,6) r--s 3 rd sh mr mw me ms ${T}`])
      expect(layout(t.vmasAt(10)).slice(1, 3), kernel).toEqual([`[2,5) rw-s 0 rd wr sh mr mw me ms ${T}`, `[5,6) rw-s 3 rd wr sh mr mw me ms ${T}`])
    }
  })

  it('ksys_shmdt(): EINVAL where no piece starts where its vm_pgoff says the attach did; else the first such piece and the later ones of its file within the segment\'s size', () => {
    const t = run([...REMAPPED, { op: 'munmap', at: 6, pages: 1 }, shmdt(5), shmdt(4)])
    expect(t.steps.slice(8).map((s) => s.error)).toEqual([null, 'EINVAL', null])
    // S's attach at 4 kept only [7,8) (pgoff 3 = 7 - 4): that goes; [8,12) is S's other attach, past 4 + 4 pages.
    expect(layout(t.vmasAt(11))).toEqual([
      '[0,2) rw-p rd wr mr mw me ac',
      `[2,6) rw-s 0 rd wr sh mr mw me ms ${T}`,
      ...LATER_ATTACHES,
    ])
  })

  it('shmdt of a split attach unmaps every piece of it, and no other attach of the segment', () => {
    const t = run([...ATTACHES, { op: 'mprotect', at: 5, pages: 1, prot: 'r--' }, shmat('S', 24), shmdt(4)])
    expect(t.steps[9]!.error).toBeNull()
    expect(layout(t.vmasAt(10)).map((l) => l.split(' ')[0])).toEqual(['[0,4)', '[8,12)', '[12,16)', '[20,24)', '[24,28)'])
    expect(t.steps[9]!.outcome).toBe('unmapped')
  })

  it('mremap grows an attach in place on every kernel: 6.1\'s vma_merge() refuses a VMA with vm_ops->close, so it takes d014cd7c1c35\'s simple expand', () => {
    // Debian's 6.1.192 under QEMU and this machine's 6.18.44 both grow [20,24) to [20,26).
    for (const kernel of KERNEL_IDS) {
      const t = run([...ATTACHES, { op: 'mremap', at: 20, pages: 4, newPages: 6 }], kernel)
      expect(t.steps[7]!.error, kernel).toBeNull()
      expect(t.steps[7]!.outcome, kernel).toBe('expanded')
      expect(layout(t.vmasAt(8)).at(-1), kernel).toBe(`[20,26) rwxs 0 rd wr ex sh mr mw me ms ${T}`)
    }
    expect(run([...ATTACHES, { op: 'mremap', at: 20, pages: 4, newPages: 6 }], '6.1').explain(8).some((c) => c.fn === 'vma_adjust')).toBe(true)
  })

  it('a fork child keeps the attaches (no VM_DONTCOPY) and detaches its own copy', () => {
    const t = run([...ATTACHES, { op: 'fork' }, shmdt(8)])
    expect(t.steps[7]!.process).toBe('child')
    expect(layout(t.vmasAt(8))).toEqual(layout(t.vmasAt(7)))
    expect(layout(t.vmasAt(9)).map((l) => l.split(' ')[0])).toEqual(['[0,4)', '[4,8)', '[12,16)', '[20,24)'])
  })
})

describe('KSM: an attach is shared, so it never gets VM_MERGEABLE', () => {
  it('under PR_SET_MEMORY_MERGE the anonymous neighbour is mg and the attaches are not, on every kernel with the prctl', () => {
    for (const kernel of KERNEL_IDS.filter((k) => k !== '6.1')) {
      const t = run([{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }, ...ATTACHES], kernel)
      const vmas = t.vmasAt(8)
      expect(vmas.map((v) => v.mergeable), kernel).toEqual([true, false, false, false, false])
      expect(t.steps.slice(4).map((s) => s.ksm), kernel).toEqual(['none', 'none', 'none', 'none'])
    }
  })

  it('6.17 and later would set the flags early (shmem_file() of the attach\'s f_mapping), and ksm_compatible() refuses VM_SHARED', () => {
    for (const kernel of ['6.17', '6.18', 'v2'] as const) {
      const checks = run([{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }, ...ATTACHES], kernel).explain(5)
      const early = checks.find((c) => c.fn === 'can_set_ksm_flags_early')
      expect(early?.pass, kernel).toBe(true)
      expect(early?.text, kernel).toMatch(/SysV shm attach: its f_op is shm_file_operations \(\.mmap = shm_mmap, no \.mmap_prepare\)/)
    }
    const late = run([{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }, ...ATTACHES], '6.16').explain(5)
    expect(late.some((c) => c.fn === 'can_set_ksm_flags_early')).toBe(false)
  })
})
