/**
 * Every kernel function the engine names maps to a link for every profile.
 * The names are not a hand list: they are every `fn` of every check the engine
 * writes for every step of the gallery and the fidelity corpus, on every kernel.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KERNEL_IDS } from '../engine/api'
import { simulate } from '../engine/simulate'
import { GALLERY } from '../scenario/gallery'
import { loadScenario } from '../scenario/load'
import { V2_PATCH_URL, functionLink, kernelSource } from './links'
import { profileChanges } from './commits'

function engineFunctionNames(): Set<string> {
  const corpusDir = join(import.meta.dirname, '../fidelity/scenarios')
  const documents: unknown[] = [
    ...GALLERY.map((g) => g.document),
    ...readdirSync(corpusDir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(corpusDir, f), 'utf8')),
  ]
  const names = new Set<string>()
  for (const document of documents) {
    const loaded = loadScenario(document)
    if (!loaded.ok) throw new Error(loaded.text)
    for (const kernel of KERNEL_IDS) {
      const trace = simulate(loaded.scenario, kernel)
      for (let i = 1; i <= trace.steps.length; i++) for (const check of trace.explain(i)) names.add(check.fn)
    }
  }
  return names
}

describe('kernel source links', () => {
  const names = engineFunctionNames()

  it('the engine names many kernel functions (the list below is not empty by accident)', () => {
    expect(names.size).toBeGreaterThan(25)
    expect(names).toContain('vma_merge_new_range')
    expect(names).toContain('can_set_ksm_flags_early')
  })

  it.each(KERNEL_IDS)('every function the engine names has a link on %s', (kernel) => {
    const source = kernelSource(kernel)
    expect(source, `${kernel} has a source`).not.toBeNull()
    for (const fn of names) {
      const link = functionLink(kernel, fn)
      expect(link, `${kernel}: ${fn}`).not.toBeNull()
      if (source!.kind === 'release') expect(link!.href).toBe(`https://elixir.bootlin.com/linux/v${kernel}/C/ident/${fn}`)
      else expect(link!.href).toBe(source!.url)
    }
  })

  it('v2 points to the patch as posted', () => {
    expect(functionLink('v2', 'can_set_ksm_flags_early')!.href).toBe(V2_PATCH_URL)
    expect(V2_PATCH_URL).toMatch(/^https:\/\/lore\.kernel\.org\/linux-mm\/[0-9a-f]{40}\.1747844463\.git\.lorenzo\.stoakes@oracle\.com\/$/)
  })

  it('a release profile added later gets its links by its id alone', () => {
    expect(functionLink('6.12', 'vma_merge_new_range')!.href).toBe('https://elixir.bootlin.com/linux/v6.12/C/ident/vma_merge_new_range')
    expect(functionLink('6.6', 'vma_merge')!.href).toBe('https://elixir.bootlin.com/linux/v6.6/C/ident/vma_merge')
    expect(profileChanges('6.1', ['6.1', '6.16'])!.lacks.map((c) => c.commit)).toContain('d7597f59d1d3')
    expect(functionLink('6.18', 'not an identifier')).toBeNull()
  })
})

describe('the commits that separate the profiles', () => {
  const all = [...KERNEL_IDS]
  const ids = (list: { commit?: string }[]) => list.map((c) => c.commit).filter(Boolean)

  it('the fix cf7e7a3503df: 6.17 and 6.18 have it, 6.15 and 6.16 lack it', () => {
    for (const k of ['6.17', '6.18']) expect(ids(profileChanges(k, all)!.has)).toContain('cf7e7a3503df')
    for (const k of ['6.15', '6.16']) expect(ids(profileChanges(k, all)!.lacks)).toContain('cf7e7a3503df')
  })

  it('6.16 has the anon_vma fix 879bca0a2c4f that 6.15 lacks; only 6.18 has f04aad36a07c', () => {
    expect(ids(profileChanges('6.16', all)!.has)).toContain('879bca0a2c4f')
    expect(ids(profileChanges('6.15', all)!.lacks)).toContain('879bca0a2c4f')
    expect(ids(profileChanges('6.18', all)!.has)).toContain('f04aad36a07c')
    expect(ids(profileChanges('6.17', all)!.lacks)).toEqual(['f04aad36a07c'])
    // 6.12's stable updates took f04aad36a07c (6.12.55), and the profile models them.
    if ((all as string[]).includes('6.12')) expect(ids(profileChanges('6.12', all)!.has)).toContain('f04aad36a07c')
    expect(ids(profileChanges('6.12', ['6.12', '6.18'])!.has)).toContain('f04aad36a07c')
  })

  it('v2 is the 6.16 cycle plus the patch as posted, and says how it differs from what landed', () => {
    const v2 = profileChanges('v2', all)!
    expect(v2.release).toBe('6.16')
    expect(v2.patch!.url).toBe(V2_PATCH_URL)
    expect(v2.patch!.differences.join(' ')).toContain('before the driver\'s .mmap hook')
    expect(ids(v2.lacks)).toContain('cf7e7a3503df')
  })
})
