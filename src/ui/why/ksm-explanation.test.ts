import { describe, expect, it } from 'vitest'
import { simulate } from '../../engine/simulate'
import type { KernelId } from '../../engine/api'
import { loadGalleryScenario } from '../../scenario/gallery'
import { earlyPathFrom617, ksmTimingSentence } from './ksm-explanation'

/** The sentence for step `index` of a gallery scenario, from the engine's real trace. */
function sentence(id: string, kernel: KernelId, index: number): string | null {
  const loaded = loadGalleryScenario(id)
  if (!loaded.ok) throw new Error(loaded.text)
  const trace = simulate(loaded.scenario, kernel)
  return ksmTimingSentence({
    kernel,
    result: trace.steps[index - 1]!,
    step: loaded.scenario.steps[index - 1]!,
    previousVmas: trace.vmasAt(index - 1),
    vmas: trace.vmasAt(index),
  })
}

describe('ksmTimingSentence', () => {
  it('explains a late flag that kept two neighbours apart, and names the fix', () => {
    expect(sentence('seed', '6.16', 3)).toBe(
      "VM_MERGEABLE was set late, after the merge attempt: the new mapping's flags lacked VM_MERGEABLE while prev [0,2) had it, so they did not merge. Fixed in 6.17.",
    )
  })

  it('on the long-term 6.12 and 6.6 says the fix was not backported; 6.1 has no merge-any to explain', () => {
    for (const kernel of ['6.12', '6.6'] as const) {
      expect(sentence('seed', kernel, 3)).toBe(
        "VM_MERGEABLE was set late, after the merge attempt: the new mapping's flags lacked VM_MERGEABLE while prev [0,2) had it, so they did not merge. Fixed in 6.17, and not backported to this long-term kernel (the fix asked \"please no backport!\").",
      )
    }
    expect(sentence('seed', '6.1', 3)).toBeNull()
  })

  it('explains an early flag that let them merge', () => {
    expect(sentence('seed', '6.18', 3)).toMatch(/^VM_MERGEABLE was set early, before the merge attempt: .* so they merged into \[0,4\)\.$/)
  })

  it('says that a .mmap-hook file is still late on 6.18, without claiming a fix', () => {
    const text = sentence('overlayfs-vs-ext4', '6.18', 3)
    expect(text).toContain('set late')
    expect(text).toContain('.mmap hook')
    expect(text).not.toContain('Fixed in 6.17')
  })

  it('names the v2 defect when a VMA is both mergeable and VM_PFNMAP', () => {
    expect(sentence('pfnmap-driver', 'v2', 3)).toContain('the v2 defect')
    expect(sentence('pfnmap-driver', '6.18', 3)).not.toContain('v2 defect')
  })

  it('says nothing for steps other than mmap and brk, or without merge-any', () => {
    expect(sentence('seed', '6.16', 1)).toBeNull()
    expect(sentence('madvise-one-neighbour', '6.16', 3)).toBeNull()
  })

  it('knows which mappings 6.17 flags early', () => {
    const anon = { op: 'mmap', pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'anon' } } as const
    expect(earlyPathFrom617(anon)).toBe(true)
    expect(earlyPathFrom617({ ...anon, backing: { kind: 'file', file: 'f', pgoff: 0, fs: 'overlayfs' } })).toBe(false)
    expect(earlyPathFrom617({ ...anon, backing: { kind: 'file', file: 'f', pgoff: 0, fs: 'ext4' } })).toBe(true)
    expect(earlyPathFrom617({ ...anon, backing: { kind: 'device', file: 'd', pgoff: 0, hook: 'mmap', setsFlags: [] } })).toBe(false)
    expect(earlyPathFrom617({ op: 'brk', pages: 1 })).toBe(true)
  })
})
