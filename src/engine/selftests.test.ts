/**
 * The kernel's own selftests, tools/testing/selftests/mm/merge.c, as golden
 * scenarios (the files live in the fidelity corpus, where the 6.18 profile is
 * also compared with this machine's kernel). Each assertion is the selftest's
 * own: "the VMA containing page X is [S,E)", after the last step, with what
 * each release gives: ksm_merge fails before the fix (cf7e7a3503df, 6.17), the
 * mprotect_unfaulted_* tests fail before 6.16's anon_vma rule (879bca0a2c4f).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScenario } from '../scenario/load'
import { KERNEL_IDS, type KernelId } from './api'
import { PROFILES } from './profiles'
import { simulate } from './simulate'

const DIR = join(import.meta.dirname, '..', 'fidelity', 'scenarios')

function load(name: string) {
  const r = loadScenario(readFileSync(join(DIR, `selftest-${name}.json`), 'utf8'))
  if (!r.ok) throw new Error(r.text)
  return r.scenario
}

/** [start, end) of the VMA containing `page` after step `at` (default: the last). */
function containing(name: string, kernel: KernelId, page: number, at?: number): [number, number] | null {
  const sc = load(name)
  const v = simulate(sc, kernel).vmasAt(at ?? sc.steps.length).find((x) => x.start <= page && page < x.end)
  return v ? [v.start, v.end] : null
}

/** VM_MERGEABLE set before the merge attempt (6.17's fix, and v2). */
const fixed = (k: KernelId): boolean => PROFILES[k].ksm !== 'late'
/** 879bca0a2c4f (6.16): a faulted range may merge into an unfaulted neighbour. */
const newAnonRule = (k: KernelId): boolean => PROFILES[k].anonVmaRule === 'uncowed-parents'
/**
 * ksm_merge on a release without PR_SET_MEMORY_MERGE (6.1): the selftest SKIPs on EINVAL;
 * the scenario goes on without merge-any, so the mappings merge as they always did.
 */
const noMemoryMerge = (k: KernelId): boolean => !PROFILES[k].hasMemoryMerge

describe.each(KERNEL_IDS)('merge.c under %s', (kernel) => {
  it('ksm_merge: a new mapping next to an mg one merges only once KSM flags are set early', () => {
    const merges = fixed(kernel) || noMemoryMerge(kernel)
    expect(containing('ksm_merge', kernel, 1, 5)).toEqual(merges ? [1, 3] : [1, 2])
    expect(containing('ksm_merge', kernel, 1)).toEqual(merges ? [1, 3] : [1, 2])
  })

  it.each([
    ['mprotect_unfaulted_left', 1, [1, 11], [1, 6]],
    ['mprotect_unfaulted_right', 1, [1, 11], [1, 6]],
    ['mprotect_unfaulted_both', 2, [2, 11], [2, 5]],
    ['mprotect_faulted_left_unfaulted_right', 2, [2, 11], [2, 8]],
    ['mprotect_unfaulted_left_faulted_right', 2, [2, 11], [2, 5]],
  ] as const)('%s: faulted and unfaulted neighbours merge from 6.16', (name, page, merged, legacy) => {
    expect(containing(name, kernel, page)).toEqual(newAnonRule(kernel) ? merged : legacy)
  })

  it('forked_target_vma: no merge next to an inherited faulted VMA, in any release', () => {
    expect(containing('forked_target_vma', kernel, 1)).toEqual([1, 6])
  })

  it('forked_source_vma: the inherited faulted VMA stays alone, in any release', () => {
    expect(containing('forked_source_vma', kernel, 6)).toEqual([6, 11])
  })
})

/**
 * The mremap tests came into merge.c with 6.17, but what they assert holds in every release,
 * under both anon_vma rules: the real 6.1 kernel gives the same layouts as the real 6.18
 * (FINDINGS.md, "A real 6.1 kernel"), so every profile is held to them.
 */
describe.each(KERNEL_IDS)('merge.c mremap tests under %s', (kernel) => {
  it.each([
    ['mremap_unfaulted_to_faulted', 1, [1, 11]],
    ['mremap_unfaulted_behind_faulted', 1, [1, 11]],
    ['mremap_unfaulted_between_faulted', 1, [1, 11]],
    ['mremap_unfaulted_between_faulted', 11, [11, 16]],
    ['mremap_unfaulted_between_faulted_unfaulted', 1, [1, 16]],
    ['mremap_unfaulted_between_correctly_placed_faulted', 1, [1, 16]],
    ['mremap_correct_placed_faulted', 1, [1, 16]],
  ] as const)('%s: the VMA at page %i', (name, page, want) => {
    expect(containing(name, kernel, page)).toEqual(want)
  })
})

/**
 * Selftests every long-term release has (tools/testing/selftests/mm/, selftests/vm/ in 6.1):
 * map_fixed_noreplace.c and mremap_test.c's mremap_expand_merge, with the same results from
 * 6.1 to 6.18 (also checked on the real 6.18 and the real 6.1 kernel, as corpus scenarios).
 */
describe.each(KERNEL_IDS)('selftests common to 6.1 – 6.18 under %s', (kernel) => {
  it('map_fixed_noreplace: every overlap is EEXIST; the adjacent pages merge into [0,5)', () => {
    const sc = load('map_fixed_noreplace')
    const t = simulate(sc, kernel)
    expect(t.steps.map((s) => s.error)).toEqual([null, null, null, 'EEXIST', 'EEXIST', 'EEXIST', 'EEXIST', null, null, null])
    expect(containing('map_fixed_noreplace', kernel, 0, 9)).toEqual([0, 5])
    expect(t.vmasAt(10)).toEqual([])
  })

  it('mremap_expand_merge: the grown VMA merges with the one after the hole', () => {
    expect(containing('mremap_expand_merge', kernel, 0, 2)).toEqual([0, 1])
    expect(containing('mremap_expand_merge', kernel, 0)).toEqual([0, 3])
  })
})
