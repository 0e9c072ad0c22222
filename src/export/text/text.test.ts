/**
 * The mailing-list text: every line of every format fits 80 columns and is
 * ASCII without tabs, for every built-in and fidelity scenario on every
 * kernel; golden outputs for canonical scenarios; strips drawn as the
 * kernel's tools/testing/vma comments draw them; maps lines as
 * show_map_vma() prints them.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KERNEL_IDS, type VmaView } from '../../engine/api'
import { simulate } from '../../engine/simulate'
import { GALLERY } from '../../scenario/gallery'
import { loadScenario } from '../../scenario/load'
import type { Scenario } from '../../scenario/types'
import { compareScenarioText, compareStepText, mapsText, scenarioText, stepText } from './step-text'
import { kernelName, mapsLine, shortenPath } from './maps'
import { drawStrip } from './strip'
import { callLines } from './syscall'
import { wrap } from './ascii'
import { asPage } from '../../engine/units'

const BASE = 0x7f0000000000n
const options = { base: BASE }

function load(document: unknown): Scenario {
  const loaded = loadScenario(document)
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
}

const CORPUS_DIR = join(import.meta.dirname, '../../fidelity/scenarios')
const corpus: Array<[string, Scenario]> = [
  ...GALLERY.map((g): [string, Scenario] => [`gallery/${g.id}`, load(g.document)]),
  ...readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json')).map((f): [string, Scenario] => [`fidelity/${f}`, load(readFileSync(join(CORPUS_DIR, f), 'utf8'))]),
]

function expectMailable(text: string, what: string) {
  const lines = text.split('\n')
  expect(text.endsWith('\n'), `${what}: ends with a newline`).toBe(true)
  for (const [n, line] of lines.entries()) {
    expect(line.length, `${what}: line ${n + 1} is ${line.length} columns: ${line}`).toBeLessThanOrEqual(80)
    expect(/^[\x20-\x7e]*$/.test(line), `${what}: line ${n + 1} is not printable ASCII: ${JSON.stringify(line)}`).toBe(true)
  }
}

describe('every format fits a plain-text mail (80 columns, ASCII, no tabs)', () => {
  it.each(corpus)('%s, every kernel, every step, whole scenario, maps and compare', (name, scenario) => {
    const runs = KERNEL_IDS.map((k) => simulate(scenario, k))
    for (const run of runs) {
      expectMailable(scenarioText(run, options), `${name} ${run.kernel} scenario`)
      expectMailable(mapsText(run, options), `${name} ${run.kernel} maps`)
      for (let i = 1; i <= run.steps.length; i++) expectMailable(stepText(run, i, options), `${name} ${run.kernel} step ${i}`)
    }
    const [a, b] = [runs[KERNEL_IDS.indexOf('6.16')]!, runs[KERNEL_IDS.indexOf('6.18')]!]
    expectMailable(compareScenarioText(a, b, options), `${name} compare`)
    for (let i = 1; i <= a.steps.length; i++) expectMailable(compareStepText(a, b, i, options), `${name} compare step ${i}`)
  })
})

describe('golden outputs', () => {
  const golden = (file: string) => readFileSync(join(import.meta.dirname, 'golden', file), 'utf8')
  const gallery = (id: string) => load(GALLERY.find((g) => g.id === id)!.document)

  it('the seed story, step 3, 6.16 beside 6.18 (the reply to the patch)', () => {
    const scenario = gallery('seed')
    expect(compareStepText(simulate(scenario, '6.16'), simulate(scenario, '6.18'), 3, options)).toBe(golden('seed-step3-6.16-vs-6.18.txt'))
  })
  it('overlayfs against ext4 on 6.18, the whole scenario', () => {
    expect(scenarioText(simulate(gallery('overlayfs-vs-ext4'), '6.18'), options)).toBe(golden('overlayfs-vs-ext4-6.18.txt'))
  })
  it('the v2 defect: a VM_PFNMAP driver, --format maps', () => {
    expect(mapsText(simulate(gallery('pfnmap-driver'), 'v2'), options)).toBe(golden('pfnmap-driver-v2.maps'))
  })
  it('brk growth under merge-any on 6.16, the whole scenario', () => {
    expect(scenarioText(simulate(gallery('brk'), '6.16'), options)).toBe(golden('brk-6.16.txt'))
  })
})

const vma = (start: number, end: number, id: number, extra: Partial<VmaView> = {}): VmaView => ({
  id, structId: extra.structId ?? id, dupOf: null, start: asPage(start), end: asPage(end), pgoff: start, prot: 'rw-', share: 'private', mergeable: false, names: [], flags: [], mnemonics: ['rd', 'wr'],
  backing: 'anon', file: null, fileId: null, anonVma: null, forkChild: false, vmOpsClose: false, ...extra,
})

describe('strips, drawn like tools/testing/vma', () => {
  it('merge both sides: PPP****NNN becomes one VMA, prev\'s struct expanded', () => {
    // The comment above test_merge_new() in tools/testing/vma/vma.c draws the same thing.
    const strip = drawStrip({
      before: [vma(1, 4, 1), vma(8, 11, 2)],
      after: [vma(1, 11, 3, { structId: 1 })],
      range: [4, 8], op: 'mmap', windowPages: 64, base: BASE,
    })
    expect(strip.lines).toEqual([
      '         page 0 = 0x7f0000000000, 1 page per column',
      '         012345678901',
      'before    AAA    BBB',
      'mmap         ****',
      'after     AAAAAAAAAA',
    ])
  })
  it('a struct keeps its letter (the split\'s kept side too); the structs a split allocates get new ones', () => {
    const strip = drawStrip({
      before: [vma(10, 12, 1), vma(14, 20, 2)],
      // __split_vma keeps the struct for [14,16); [16,18) and [18,20) are new vm_area_structs.
      after: [vma(10, 12, 1), vma(14, 16, 3, { structId: 2 }), vma(16, 18, 4, { prot: 'r--' }), vma(18, 20, 5)],
      range: [16, 18], op: 'mprotect', windowPages: 64, base: BASE,
    })
    expect(strip.lines.slice(2)).toEqual([
      'before    AA  BBBBBB',
      'mprotect        **',
      'after     AA  BBCCDD',
    ])
    expect(strip.lines[0]).toBe('         page 9 = 0x7f0000009000, 1 page per column')
  })
  it('a neighbourhood wider than 60 pages is drawn several pages per column', () => {
    const strip = drawStrip({ before: [], after: [vma(0, 400, 1)], range: [0, 400], op: 'mmap', windowPages: 1024, base: BASE })
    expect(strip.lines[0]).toBe('         page 0 = 0x7f0000000000, 7 pages per column')
    expect(strip.lines[4]).toBe(`after    ${'A'.repeat(58)}`)
  })
})

describe('maps lines, as show_map_vma() prints them', () => {
  it('anonymous memory: offset 0 whatever vm_pgoff is, device 00:00, inode 0, no name', () => {
    expect(mapsLine(vma(2, 4, 1, { pgoff: 0x7f0000002 }), BASE)).toBe('7f0000002000-7f0000004000 rw-p 00000000 00:00 0')
  })
  it('the heap is named [heap] and padded to column 73 like the kernel', () => {
    const line = mapsLine(vma(0, 1, 1, { backing: 'heap' }), 0x555555554000n)
    expect(line).toBe(`555555554000-555555555000 rw-p 00000000 00:00 0${' '.repeat(25)}[heap]`)
    expect(line.indexOf('[heap]')).toBe(72)
  })
  it('a file: offset in bytes, device and inode marked as not simulated (never made up)', () => {
    const line = mapsLine(vma(0, 2, 1, { pgoff: 3, file: 'lib.so', fileId: 7, backing: 'file', share: 'shared', prot: 'r--' }), BASE)
    expect(line).toMatch(/^7f0000000000-7f0000002000 r--s 00003000 \?\?:\?\? \? +lib\.so$/)
    expect(line).not.toMatch(/ 7 /)
  })
  it('names as the kernel prints them', () => {
    expect(kernelName({ file: 'anon shared (a new shmem file)', backing: 'anon', names: ['S'] })).toBe('/dev/zero (deleted)')
    expect(kernelName({ file: 'memfd:buf', backing: 'shmem', names: [] })).toBe('/memfd:buf (deleted)')
    expect(kernelName({ file: 'data (tmpfs)', backing: 'shmem', names: [] })).toBe('data')
    expect(kernelName({ file: null, backing: 'anon', names: ['[stack]'] })).toBe('[stack]')
    expect(kernelName({ file: null, backing: 'anon', names: ['A', 'B'] })).toBe('')
  })
  it('a long path keeps its end and the line stays within 80 columns', () => {
    const path = '/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.d/gconv-modules-extra.conf'
    const line = mapsLine(vma(0, 1, 1, { file: path, backing: 'file', pgoff: 0 }), BASE)
    expect(line.length).toBeLessThanOrEqual(80)
    expect(line.endsWith('gconv-modules-extra.conf')).toBe(true)
    expect(shortenPath('/a/b/c', 10)).toBe('/a/b/c')
  })
})

describe('the step as a call', () => {
  const scenario = load({ format: 'vma-scenario/1', windowPages: 64, brkBase: 40, steps: [{ op: 'brk', pages: 2 }] })
  it('an mmap that fails, strace-style, wrapped under its first argument', () => {
    const s = load({ format: 'vma-scenario/1', windowPages: 64, steps: [{ op: 'mmap', at: 60, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }, { op: 'mmap', at: 60, pages: 2, prot: 'r--', share: 'private', backing: { kind: 'anon' } }] })
    const run = simulate(s, '6.18')
    expect(callLines(s.steps[1]!, run.steps[1], BASE, s)).toEqual([
      'mmap(0x7f000003c000, 8192, PROT_READ,',
      '     MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0)',
      '     = -1 EEXIST (File exists)',
    ])
  })
  it('brk returns the new break', () => {
    const run = simulate(scenario, '6.18')
    expect(callLines(scenario.steps[0]!, run.steps[0], BASE, scenario)).toEqual(['brk(0x7f000002a000) = 0x7f000002a000'])
  })
  it('wrap keeps every line within the width', () => {
    for (const line of wrap('x'.repeat(200) + ' a b c', '  ', '    ')) expect(line.length).toBeLessThanOrEqual(80)
  })
})
