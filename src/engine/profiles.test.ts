/**
 * Every kernel difference pinned: for every switch of a KernelProfile, a
 * scenario whose result differs between the switch's values, run on a real
 * profile with only that switch flipped. The expected result is the kernel's
 * behaviour under each value (the comment on each row says why), and which
 * value a release has is read from PROFILES, never from its kernel id.
 *
 * A new switch in profiles.ts without a row here fails to compile (SWITCHES is
 * keyed by every switch) and fails the first test (the keys of the profiles).
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../scenario/types'
import type { KernelId, Trace } from './api'
import { RW, Harness } from './testing/harness'
import { PROFILES, type KernelProfile } from './profiles'
import { simulate } from './simulate'
import { vmaMerge } from './mm/mmap-vma-merge'

/** The fields that name or group a profile for the UI and change no result (the Kernel select groups long-term releases). */
const DISPLAY_ONLY = ['id', 'title', 'longTerm'] as const
type Switch = Exclude<keyof KernelProfile, (typeof DISPLAY_ONLY)[number]>

/** One value pair of a switch and a scenario that tells them apart. */
interface Pair<K extends Switch> {
  values: [KernelProfile[K], KernelProfile[K]]
  /** Why the kernel differs, with the commit or function. */
  why: string
  /** The result under each value. */
  expect: [unknown, unknown]
  /** Runs the scenario under a profile and returns the result that differs. */
  run(profile: KernelProfile): unknown
}

interface Row<K extends Switch> {
  /** The real profile the switch is flipped on. */
  base: KernelId
  pairs: Pair<K>[]
}

const anon = { kind: 'anon' } as const
const map = (name: string, at: number, pages: number, extra: Partial<Step> = {}): Step => ({ op: 'mmap', name, at, pages, prot: 'rw-', share: 'private', backing: anon, ...extra }) as Step
const prctl = (value: number): Step => ({ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value })
const touch = (at: number, pages: number): Step => ({ op: 'touch', at, pages, write: true })
const scenario = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra })

/** Runs `sc` under `profile` (its id names the kernel, the switches come from the object). */
const run = (sc: Scenario, profile: KernelProfile): Trace => simulate(sc, profile.id, { profile })
const last = (t: Trace) => t.steps[t.steps.length - 1]!
const layout = (t: Trace) => t.vmasAt(t.steps.length).map((v) => `[${v.start},${v.end}) ${v.prot}${v.mergeable ? ' mg' : ''}`)
const lastFlags = (t: Trace) => t.vmasAt(t.steps.length).flatMap((v) => v.flags)
/** The last step's errno and the function of the check that gave it, as the Why panel names it. */
const failedCheck = (t: Trace) => [last(t).error, t.explain(t.steps.length).find((c) => !c.pass && c.rule === 'errno')?.fn ?? null]

const device = (hook: 'mmap' | 'mmap_prepare', setsFlags: string[], pgoff: number) => ({ kind: 'device', file: '/dev/drv', pgoff, hook, setsFlags }) as const
/** Two /dev/drv mappings, [0,2) and [2,4), pgoff-contiguous, whose `hook` adds VM_DONTDUMP; mapped low first, or high first. */
const dontdumpPair = (hook: 'mmap' | 'mmap_prepare', order: 'low-first' | 'high-first'): Scenario => {
  const low = map('D', 0, 2, { backing: device(hook, ['VM_DONTDUMP'], 0) })
  const high = map('E', 2, 2, { backing: device(hook, ['VM_DONTDUMP'], 2) })
  return scenario(order === 'low-first' ? [low, high] : [high, low])
}
const ext4 = (pgoff: number) => ({ kind: 'file', file: 'F', pgoff, fs: 'ext4' }) as const

const special = (kind: 'perf' | 'io_uring', name: string, pages: number, extra: Partial<Step> = {}): Step =>
  ({ op: 'mmap', name, pages, prot: 'rw-', share: 'shared', backing: { kind, file: kind, pgoff: 0 }, ...extra }) as Step

const SWITCHES: { [K in Switch]: Row<K> } = {
  hasMseal: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: '8be7258aad44 ("mseal: add mseal syscall", 6.10): before it syscall 462 is not in the table (ENOSYS); with it the sealed VMA refuses munmap with EPERM (can_modify_vma() in vms_gather_munmap_vmas())',
      expect: [['ENOSYS', null], [null, 'EPERM']],
      run: (p) => run(scenario([map('A', 0, 2), { op: 'mseal', at: 0, pages: 2 }, { op: 'munmap', at: 0, pages: 2 }]), p).steps.slice(1).map((s) => s.error),
    }],
  },
  mmapUnlocksDroppable: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: 'd239462787b0 ("mm: prevent droppable mappings from being locked"): __mmap_complete() asks vma_supports_mlock(), so mm->def_flags\' VM_LOCKED (mlockall(MCL_FUTURE)) is cleared from a new VM_DROPPABLE mapping',
      expect: [true, false],
      run: (p) => lastFlags(run(scenario([{ op: 'mlockall', flags: ['MCL_FUTURE'] }, map('D', 0, 2, { mapFlags: ['MAP_DROPPABLE'] })]), p)).includes('VM_LOCKED'),
    }],
  },
  copiedFromForkCheck: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: '6.18.8 stable e96ecd36c329 (upstream 3b617fd3d317): is_mergeable_anon_vma() also refuses when vmg->copied_from, the VMA mremap copies, is a fork child',
      // In the child A is faulted and a fork child; moved back next to the unfaulted N, where its pgoff continues.
      expect: [['[0,8) rw-'], ['[0,4) rw-', '[4,8) rw-']],
      run: (p) => layout(run(scenario([map('A', 0, 4), touch(0, 4), { op: 'fork' }, map('N', 4, 4),
        { op: 'mremap', at: 0, pages: 4, newPages: 4, to: 20 }, { op: 'mremap', at: 20, pages: 4, newPages: 4, to: 0 }]), p)),
    }],
  },
  thpAlignsAnon: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: 'efa7df3e3bb5 (6.7, limited to PMD multiples by d4148aeab412): a kernel-placed anonymous 2 MiB mapping goes through thp_get_unmapped_area() and lands on a 2 MiB boundary',
      expect: [1024, 1023], // 1023 = window page ≡ 511 (mod 512): an absolute 2 MiB boundary
      run: (p) => run(scenario([{ op: 'mmap', name: 'H', pages: 512, prot: 'rw-', share: 'private', backing: anon }], { windowPages: 1536, placement: 'kernel', base: '0x500000001000' }), p).steps[0]!.range![0],
    }],
  },
  mapStackNoHugepage: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: 'c4608d1bf7c6 ("mm: mmap: map MAP_STACK to VM_NOHUGEPAGE", 6.7): calc_vm_flag_bits() gives a MAP_STACK mapping VM_NOHUGEPAGE, so it no longer merges with the plain anonymous mapping below it',
      expect: [[['[0,4) rw-'], false], [['[0,2) rw-', '[2,4) rw-'], true]],
      run: (p) => { const t = run(scenario([map('A', 0, 2), map('S', 2, 2, { mapFlags: ['MAP_STACK'] })]), p); return [layout(t), lastFlags(t).includes('VM_NOHUGEPAGE')] },
    }],
  },
  anonInodeNoexec: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: '1ed95281c0c7 ("anon_inode: raise SB_I_NODEV and SB_I_NOEXEC", 6.15): perf and io_uring files are on a noexec mount, so do_mmap() refuses PROT_EXEC (EPERM)',
      expect: [null, 'EPERM'],
      run: (p) => last(run(scenario([special('io_uring', 'U', 1, { prot: 'r-x' })], { placement: 'kernel' }), p)).error,
    }],
  },
  perfMapsInAdvance: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: 'perf_mmap() maps the ring buffer at mmap time with remap_pfn_range (VM_PFNMAP|VM_IO) from 6.15; Debian\'s 6.1.192 shows only dc de dd',
      expect: [false, true],
      run: (p) => lastFlags(run(scenario([special('perf', 'R', 3, { at: 0 })]), p)).includes('VM_PFNMAP'),
    }],
  },
  ksm: {
    base: '6.18',
    pairs: [
      {
        values: ['late', 'fixed'],
        why: 'd7597f59d1d3 sets VM_MERGEABLE with ksm_add_vma() after the merge attempt; cf7e7a3503df sets it before (anon)',
        expect: [['new', 'late'], ['merged-prev', 'early']],
        run: (p) => { const s = last(run(scenario([prctl(1), map('A', 0, 2), map('B', 2, 2)]), p)); return [s.outcome, s.ksm] },
      },
      {
        values: ['v2', 'fixed'],
        why: 'the posted v2 decided VM_MERGEABLE from the flags before the .mmap hook added VM_PFNMAP; 6.17 decides after it',
        expect: [true, false],
        run: (p) => lastFlags(run(scenario([prctl(1), map('D', 0, 2, { backing: device('mmap', ['VM_PFNMAP', 'VM_IO'], 0) })]), p)).includes('VM_MERGEABLE'),
      },
    ],
  },
  anonVmaRule: {
    base: '6.18',
    pairs: [{
      values: ['legacy', 'uncowed-parents'],
      why: 'before 879bca0a2c4f an unfaulted target\'s empty anon_vma chain is "not singular", so a faulted range never merges into it',
      // [0,2) unfaulted; [2,4) split off by MADV_MERGEABLE and faulted; MADV_UNMERGEABLE makes its flags equal to [0,2)'s again.
      expect: ['modified', 'merged-prev'],
      run: (p) => last(run(scenario([map('A', 0, 4), { op: 'madvise', at: 2, pages: 2, advice: 'MADV_MERGEABLE' }, touch(2, 2), { op: 'madvise', at: 2, pages: 2, advice: 'MADV_UNMERGEABLE' }]), p)).outcome,
    }],
  },
  hasMmapPrepare: {
    base: '6.16',
    pairs: [{
      values: [false, true],
      why: 'without file_operations->mmap_prepare the driver\'s hook is .mmap, which adds VM_DONTDUMP after the merge attempt (and 6.16 has no retry)',
      expect: ['new', 'merged-prev'],
      run: (p) => last(run(dontdumpPair('mmap_prepare', 'low-first'), p)).outcome,
    }],
  },
  retryMergeAfterMmapHook: {
    base: '6.15',
    pairs: [{
      values: [false, true],
      why: '__mmap_region() up to 6.15 retries the merge when .mmap changed the flags ("If flags changed, we might be able to merge, so try again")',
      expect: [['[0,2) rw-', '[2,4) rw-'], ['[0,4) rw-']],
      run: (p) => layout(run(dontdumpPair('mmap', 'low-first'), p)),
    }],
  },
  retryMergeOf: {
    base: '6.15',
    pairs: [{
      values: ['new-range', 'inserted-vma'],
      why: 'mmap_region() ≤ 6.12 retries only with a prev (`vm_flags != vma->vm_flags && prev`); 6.13 – 6.15 retry the inserted VMA with vma_merge_existing_range(), next included',
      expect: [['[0,2) rw-', '[2,4) rw-'], ['[0,4) rw-']],
      run: (p) => layout(run(dontdumpPair('mmap', 'high-first'), p)),
    }],
  },
  mmapPrepareFs: {
    base: '6.17',
    pairs: [{
      values: [[], ['ext4']],
      why: 'ext4 has .mmap_prepare from the vfs-6.17 conversions, so its mappings get VM_MERGEABLE early (can_set_ksm_flags_early) and merge; with .mmap the flag comes late',
      expect: [['new', 'late'], ['merged-prev', 'early']],
      run: (p) => { const s = last(run(scenario([prctl(1), map('A', 0, 2, { backing: ext4(0) }), map('B', 2, 2, { backing: ext4(2) })]), p)); return [s.outcome, s.ksm] },
    }],
  },
  unmergeableClearsHighFlags: {
    base: '6.18',
    pairs: [{
      values: [true, false],
      why: 'ksm_madvise(MADV_UNMERGEABLE) cleared every vm_flags bit ≥ 32 (VM_SEALED is bit 42) until f04aad36a07c',
      expect: [false, true],
      // A sealed, mergeable VMA as /proc/PID/smaps shows one (mseal() is no scenario op).
      run: (p) => lastFlags(run(scenario([{ op: 'madvise', at: 0, pages: 2, advice: 'MADV_UNMERGEABLE' }], {
        initial: { vmas: [{ start: 0, end: 2, prot: 'rw-', share: 'private', backing: 'anon', flags: ['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_ACCOUNT', 'VM_MERGEABLE', 'VM_SEALED'] }] },
      }), p)).includes('VM_SEALED'),
    }],
  },
  mremapMovesManyVmas: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: 'remap_move() (6.17) moves every VMA of an MREMAP_FIXED range without resize; before, the range must lie in one VMA (EFAULT)',
      expect: ['EFAULT', null],
      run: (p) => last(run(scenario([map('A', 0, 2), map('B', 2, 2, { prot: 'r--' }), { op: 'mremap', at: 0, pages: 4, newPages: 4, to: 20 }]), p)).error,
    }],
  },
  mremapToUnmapsBeforeChecks: {
    base: '6.18',
    pairs: [{
      values: [true, false],
      why: 'up to 6.16 mremap_to() unmaps the MREMAP_FIXED destination before vma_to_resize() (≤ 6.12) or resize_is_valid() (6.13 – 6.16) finds that [0,6) runs past its VMA (EFAULT); a85dc37186a5 (6.17) checks in check_prep_vma() first',
      // A at [0,4), a hole, D at [20,28): growing [0,6) to 8 pages at 20.
      expect: [['EFAULT', ['[0,4) rw-']], ['EFAULT', ['[0,4) rw-', '[20,28) rw-']]],
      run: (p) => {
        const t = run(scenario([map('A', 0, 4), map('D', 20, 8), { op: 'mremap', at: 0, pages: 6, newPages: 8, to: 20 }]), p)
        return [last(t).error, layout(t)]
      },
    }],
  },
  mremapSourceCheck: {
    base: '6.18',
    pairs: [
      {
        values: ['vma_to_resize', 'check_prep_vma'],
        why: 'the check that a moved range lies inside its VMA ("We can\'t remap across vm area boundaries") is vma_to_resize()\'s up to 6.12, check_prep_vma()\'s from 6.17 (9b2301bf8d65 "mm/mremap: move remap_is_valid() into check_prep_vma()")',
        // A at [0,2); growing [1,3) to 4 pages with MREMAP_MAYMOVE: [1,3) runs past [0,2) (EFAULT).
        expect: [['EFAULT', 'vma_to_resize'], ['EFAULT', 'check_prep_vma']],
        run: (p) => failedCheck(run(scenario([map('A', 0, 2), { op: 'mremap', at: 1, pages: 2, newPages: 4, mayMove: true }]), p)),
      },
      {
        values: ['resize_is_valid', 'check_prep_vma'],
        why: 'from 6.13 ("mm/mremap: clean up vma_to_resize()", Liam R. Howlett) to 6.16 the check is resize_is_valid(), with the lookup\'s EFAULT in do_mremap() (6.15\'s vma_remap_struct rework); 6.17\'s check_prep_vma() makes both',
        // Nothing mapped at page 10.
        expect: [['EFAULT', 'do_mremap'], ['EFAULT', 'check_prep_vma']],
        run: (p) => failedCheck(run(scenario([map('A', 0, 2), { op: 'mremap', at: 10, pages: 2, newPages: 4, mayMove: true }]), p)),
      },
    ],
  },
  dontunmapClearsAccount: {
    base: '6.18',
    pairs: [{
      values: [false, true],
      why: 'b714ccb02a76 ("mm/mremap: complete refactor of move_vma()", 6.15) made dontunmap_complete() clear VM_ACCOUNT from the source an MREMAP_DONTUNMAP move leaves; "mm/mremap: correctly account old mapping after MREMAP_DONTUNMAP remap" (6.18) clears VM_LOCKED_MASK only again',
      // A private writable anonymous [0,2) (VM_ACCOUNT) moved to 10, the source left behind.
      expect: [true, false],
      run: (p) => run(scenario([map('A', 0, 2), { op: 'mremap', at: 0, pages: 2, newPages: 2, to: 10, dontUnmap: true }]), p).vmasAt(2)[0]!.flags.includes('VM_ACCOUNT'),
    }],
  },
  mergeCode: {
    base: '6.6',
    pairs: [{
      values: ['vma_merge', 'vma_merge_range'],
      why: '__mmap_region() ≤ 6.11 checks next first and then tests prev with next\'s anon_vma, so it expands next; vma_merge_new_range() finds prev and next anon_vmas incompatible and merges with prev only',
      // A and C faulted (two anon_vmas), then B between them.
      expect: ['merged-next', 'merged-prev'],
      run: (p) => last(run(scenario([map('A', 0, 2), touch(0, 2), map('C', 4, 2), touch(4, 2), map('B', 2, 2)]), p)).outcome,
    }],
  },
  vmaMergeCloseRule: {
    base: '6.6',
    pairs: [{
      values: ['any-neighbour', 'removed-only'],
      why: 'before 714965ca8252 is_mergeable_vma() refused any neighbour with vm_ops->close; after, only one the merge would remove (no scenario op makes such a VMA: the tools/testing/vma-style harness does)',
      expect: [null, 'prev'],
      run: (p) => {
        const h = new Harness(p)
        const prev = h.add(0, 2, { close: true })
        const r = vmaMerge(h.ctx, { prev, start: 2, end: 4, flags: RW, pkey: 0, anonVma: 0, anonForkChild: false, file: null, pgoff: 2, labels: [] })
        return r ? r.kind : null
      },
    }],
  },
  hasMemoryMerge: {
    base: '6.6',
    pairs: [{
      values: [false, true],
      why: 'PR_SET_MEMORY_MERGE arrived in 6.4 (d7597f59d1d3); prctl() answers EINVAL before',
      expect: ['EINVAL', null],
      run: (p) => last(run(scenario([map('A', 0, 2), prctl(1)]), p)).error,
    }],
  },
  hasMapDroppable: {
    base: '6.12',
    pairs: [{
      values: [false, true],
      why: 'MAP_DROPPABLE arrived in 6.11 (9651fcedf7b9); do_mmap()\'s map-type switch answers EINVAL before',
      expect: ['EINVAL', null],
      run: (p) => last(run(scenario([map('A', 0, 2, { mapFlags: ['MAP_DROPPABLE'] })]), p)).error,
    }],
  },
  mprotectUnaccountsUnfaulted: {
    base: '6.12',
    pairs: [{
      values: [false, true],
      why: 'since 6.7 mprotect_fixup() drops VM_ACCOUNT from an unfaulted anonymous VMA that stops being writable',
      expect: [true, false],
      run: (p) => lastFlags(run(scenario([map('A', 0, 2), { op: 'mprotect', at: 0, pages: 2, prot: 'r--' }]), p)).includes('VM_ACCOUNT'),
    }],
  },
}

const isSwitch = (k: string): boolean => !(DISPLAY_ONLY as readonly string[]).includes(k)
const SWITCH_KEYS = Object.keys(PROFILES['6.18']).filter(isSwitch).sort()

describe('every profile switch is pinned by a scenario', () => {
  it('has a row for every switch of every profile', () => {
    for (const profile of Object.values(PROFILES)) expect(Object.keys(profile).filter(isSwitch).sort()).toEqual(SWITCH_KEYS)
    expect(Object.keys(SWITCHES).sort()).toEqual(SWITCH_KEYS)
  })

  it.each(SWITCH_KEYS)('%s: every value a release has is told apart from another', (key) => {
    const row = SWITCHES[key as Switch] as Row<Switch>
    const covered = new Set(row.pairs.flatMap((pair) => pair.values.map((v) => JSON.stringify(v))))
    for (const profile of Object.values(PROFILES)) expect(covered, `${profile.id}'s ${key}`).toContain(JSON.stringify(profile[key as Switch]))
  })

  for (const key of SWITCH_KEYS) {
    const row = SWITCHES[key as Switch] as Row<Switch>
    describe(key, () => {
      it.each(row.pairs.map((pair) => ({ name: pair.values.map((v) => JSON.stringify(v)).join(' vs '), pair })))(`$name, flipped on ${row.base}`, ({ pair }) => {
        expect(pair.expect[0]).not.toEqual(pair.expect[1])
        const [a, b] = pair.values.map((value) => ({ ...PROFILES[row.base], [key]: value }) as KernelProfile)
        expect(pair.run(a!), `${key} = ${JSON.stringify(pair.values[0])}: ${pair.why}`).toEqual(pair.expect[0])
        expect(pair.run(b!), `${key} = ${JSON.stringify(pair.values[1])}: ${pair.why}`).toEqual(pair.expect[1])
      })

      it('each release whose other switches match the base gives the result its own value predicts', () => {
        // Releases that differ from the base in this switch only: their result is read from PROFILES[id][key].
        const base = PROFILES[row.base]
        for (const profile of Object.values(PROFILES)) {
          const others = (Object.keys(base) as (keyof KernelProfile)[]).filter((k) => isSwitch(k) && k !== key)
          if (others.some((k) => JSON.stringify(profile[k]) !== JSON.stringify(base[k]))) continue
          for (const pair of row.pairs) {
            const i = pair.values.findIndex((v) => JSON.stringify(v) === JSON.stringify(profile[key as Switch]))
            if (i >= 0) expect(pair.run(profile), `${profile.id}`).toEqual(pair.expect[i])
          }
        }
      })
    })
  }
})
