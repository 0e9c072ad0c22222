/**
 * VMA identity as the kernel has it (mm/vma.c, 6.18): which vm_area_struct
 * survives each path, and the words a step's changes are told in.
 */
import { describe, expect, it } from 'vitest'
import { corpusScenarios } from '../fidelity/corpus'
import type { Scenario, Step } from '../scenario/types'
import { KERNEL_IDS } from './api'
import { changeCounts, changeText, changeTexts, traceChanges, type VmaChange } from './changes'
import { simulate } from './simulate'

const map = (at: number, pages: number, prot = 'rw-', name = 'A'): Step => ({ op: 'mmap', name, at, pages, prot, share: 'private', backing: { kind: 'anon' } })
const scenario = (steps: Step[], extra: Partial<Scenario> = {}): Scenario => ({ format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps, ...extra })

/** The last step's changes as words, and (for the Why panel) the kernel functions of its split/expand/free records. */
function last(sc: Scenario, kernel = '6.18' as const) {
  const trace = simulate(sc, kernel)
  const i = sc.steps.length
  const changes = traceChanges(trace, i)
  const lifetimes = trace.explain(i)
    .filter((c) => ['split', 'may-split', 'map-count', 'expanded', 'shrunk', 'vma-freed'].includes(c.rule))
    .map((c) => `${c.fn}:${c.rule}`)
  const op = sc.steps[i - 1]!.op
  const words = changeTexts(changes, op)
  // One change at a time (the UI's summary) says the same as the whole step's list.
  expect(changes.map((c) => changeText(c, changes, op))).toEqual(words)
  return { trace, changes, words, counts: changeCounts(changes), lifetimes }
}

const kinds = (changes: VmaChange[]) => changes.map((c) => c.kind)

describe('a merge keeps the struct it grows (vma_expand / commit_merge)', () => {
  it('mmap next to A: A grows in place, nothing is allocated or freed', () => {
    const r = last(scenario([map(0, 2), map(2, 2, 'rw-', 'B')]))
    expect(r.trace.steps[1]!.outcome).toBe('merged-prev')
    expect(r.words).toEqual(['[0,2) expanded to [0,4)'])
    expect(r.counts).toBe('1 VMA expanded')
    expect(r.lifetimes).toEqual(['vma_expand:expanded'])
  })

  it('mmap filling the hole between A and C: prev expands over both, next is freed', () => {
    const r = last(scenario([map(0, 2), map(4, 2, 'rw-', 'C'), map(2, 2, 'rw-', 'B')]))
    expect(r.words).toEqual(['[0,2) expanded to [0,6)', '[4,6) removed'])
    expect(r.counts).toBe('1 VMA expanded, 1 removed')
    expect(r.lifetimes).toEqual(['vma_expand:expanded', 'vma_complete:vma-freed'])
  })

  it('mmap just below B: B grows downwards, the same struct', () => {
    const r = last(scenario([map(2, 2, 'rw-', 'B'), map(0, 2)]))
    expect(r.trace.steps[1]!.outcome).toBe('merged-next')
    expect(r.words).toEqual(['[2,4) expanded to [0,4)'])
  })

  it('mprotect of the head of B to match A: A expands, B shrinks in place', () => {
    const r = last(scenario([map(0, 2, 'r--'), map(2, 4, 'rw-', 'B'), { op: 'mprotect', at: 2, pages: 2, prot: 'r--' }]))
    expect(r.trace.steps[2]!.outcome).toBe('merged-prev')
    expect(r.words).toEqual(['[0,2) expanded to [0,4)', '[2,6) shrunk to [4,6)'])
    expect(r.lifetimes).toEqual(['commit_merge:expanded', 'commit_merge:shrunk'])
  })

  it('mprotect of the tail of A to match B: B grows down, A shrinks in place', () => {
    const r = last(scenario([map(0, 4), map(4, 2, 'r--', 'B'), { op: 'mprotect', at: 2, pages: 2, prot: 'r--' }]))
    expect(r.trace.steps[2]!.outcome).toBe('merged-next')
    expect(r.words).toEqual(['[0,4) shrunk to [0,2)', '[4,6) expanded to [2,6)'])
  })

  it('mprotect of all of B to match A and C: A expands, B and C are freed', () => {
    const r = last(scenario([map(0, 2), map(2, 2, 'r--', 'B'), map(4, 2, 'rw-', 'C'), { op: 'mprotect', at: 2, pages: 2, prot: 'rw-' }]))
    expect(r.words).toEqual(['[0,2) expanded to [0,6)', '[2,4) removed', '[4,6) removed'])
    expect(r.lifetimes).toEqual(['commit_merge:expanded', 'vma_complete:vma-freed', 'vma_complete:vma-freed'])
  })

  it('brk growing the heap: vma_expand of the same struct', () => {
    const r = last(scenario([{ op: 'brk', pages: 2 }, { op: 'brk', pages: 4 }], { brkBase: 40 }))
    expect(r.trace.steps[1]!.outcome).toBe('expanded')
    expect(r.words).toEqual(['[40,42) expanded to [40,44)'])
  })
})

describe('a split allocates the new side (__split_vma)', () => {
  it('mprotect inside A: A keeps the middle, below then above are new structs, in vma_modify order', () => {
    const r = last(scenario([map(0, 6), { op: 'mprotect', at: 2, pages: 2, prot: 'r--' }]))
    expect(r.trace.steps[1]!.outcome).toBe('modified')
    expect(r.words).toEqual(['[0,2) new (split from [0,6))', '[0,6) split to [2,4)', '[4,6) new (split from [0,6))'])
    expect(r.counts).toBe('1 VMA split, 2 new')
    expect(r.lifetimes).toEqual([
      'split_vma:map-count', '__split_vma:may-split', '__split_vma:split',
      'split_vma:map-count', '__split_vma:may-split', '__split_vma:split',
    ])
  })

  it('mprotect of the head of A: split above (new_below = 0), A keeps the head', () => {
    const r = last(scenario([map(0, 6), { op: 'mprotect', at: 0, pages: 2, prot: 'r--' }]))
    expect(r.words).toEqual(['[0,6) split to [0,2)', '[2,6) new (split from [0,6))'])
  })

  it('the second split refused at max_map_count: the first stays, and the check says why', () => {
    const r = last(scenario([map(0, 6), { op: 'mprotect', at: 2, pages: 2, prot: 'r--' }], { maxMapCount: 2 }))
    expect(r.trace.steps[1]!.error).toBe('ENOMEM')
    expect(r.words).toEqual(['[0,2) new (split from [0,6))', '[0,6) split to [2,6)'])
    const refused = r.trace.explain(2).filter((c) => c.fn === 'split_vma')
    expect(refused.map((c) => c.pass)).toEqual([true, false])
    expect(refused[1]!.text).toContain('map_count 2 has reached max_map_count 2')
  })

  it('munmap inside A: both remnants are new structs, A itself is freed (the kernel unmaps the struct it kept)', () => {
    const r = last(scenario([map(0, 6), { op: 'munmap', at: 2, pages: 2 }]))
    expect(r.words).toEqual(['[0,2) new (split from [0,6))', '[0,6) removed', '[4,6) new (split from [0,6))'])
    expect(r.lifetimes).toEqual([
      'vms_gather_munmap_vmas:map-count', '__split_vma:may-split', '__split_vma:split',
      '__split_vma:may-split', '__split_vma:split', 'remove_vma:vma-freed',
    ])
  })
})

describe('changes in place keep the struct', () => {
  it('a first write fault attaches an anon_vma to the same struct', () => {
    const r = last(scenario([map(0, 2), { op: 'touch', at: 0, pages: 1, write: true }]))
    expect(r.words).toEqual(['[0,2) modified in place'])
    expect(r.changes[0]!.after!.anonVma).not.toBeNull()
  })

  it('prctl(PR_SET_MEMORY_MERGE) sets VM_MERGEABLE on the same structs', () => {
    const r = last(scenario([map(0, 2), map(4, 2, 'r--', 'B'), { op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }]))
    expect(kinds(r.changes)).toEqual(['modified', 'modified'])
  })

  it('fork: the child gets new structs copied from the parent\'s; the parent\'s are not freed', () => {
    const r = last(scenario([map(0, 2), map(4, 2, 'r--', 'B'), { op: 'fork' }]))
    expect(r.words).toEqual(['[0,2) new (dup_mmap: the child\'s copy)', '[4,6) new (dup_mmap: the child\'s copy)'])
  })

  it('mremap move: copy_vma allocates at the destination, the source is freed', () => {
    const r = last(scenario([map(0, 2), { op: 'mremap', at: 0, pages: 2, newPages: 2, to: 10 }]))
    expect(r.words).toEqual(['[0,2) removed', '[10,12) new (copy_vma of [0,2))'])
  })
})

describe.each(KERNEL_IDS)('struct identities over the corpus (%s)', (kernel) => {
  it('no two live VMAs share a struct, and every record a step made or dropped is in exactly one change', () => {
    let steps = 0
    for (const [name, sc] of corpusScenarios()) {
      const trace = simulate(sc, kernel)
      for (let i = 0; i <= trace.steps.length; i++) {
        const structs = trace.vmasAt(i).map((v) => v.structId)
        expect(new Set(structs).size, `${name} step ${i}`).toBe(structs.length)
        if (i === 0) continue
        const s = trace.steps[i - 1]!
        const changes = traceChanges(trace, i)
        const after = changes.flatMap((c) => (c.after ? [c.after.id] : []))
        const before = changes.flatMap((c) => (c.before ? [c.before.id] : []))
        expect([...after].sort(), `${name} step ${i}`).toEqual([...s.created].sort())
        if (s.op !== 'fork') expect([...before].sort(), `${name} step ${i}`).toEqual([...s.removed].sort())
        steps++
      }
    }
    expect(steps).toBeGreaterThan(300)
  })
})
