/**
 * Tests of the recorder driver: the script translation and output parsing
 * (pure), and a few real recordings (skipped where the machine cannot record).
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../scenario/types'
import { loadScenario } from '../scenario/load'
import { kernelMajorMinor, machineSupport, parseRecorderOutput, recordScenario } from './kernel-recorder'
import { scenarioToScript } from './recorder-script'
import type { RunnerDocument } from './runner-document'

function scenario(steps: unknown[], extra: Record<string, unknown> = {}): Scenario {
  const loaded = loadScenario({ format: 'vma-scenario/1', windowPages: 64, ...extra, steps })
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
}

const anon = (name: string, at: number, pages: number, prot = 'rw-') => ({
  op: 'mmap', name, at, pages, prot, share: 'private', backing: { kind: 'anon' },
})

describe('scenarioToScript', () => {
  it('opens one file per name and sizes it for every pgoff + pages', () => {
    const s = scenario([
      { op: 'mmap', name: 'A', at: 0, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'file', file: 'F', pgoff: 7 } },
      { op: 'mmap', name: 'B', at: 2, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'file', file: 'F', pgoff: 9 } },
      { op: 'mmap', name: 'C', at: 4, pages: 1, prot: 'rw-', share: 'shared', backing: { kind: 'shmem', file: 'F', pgoff: 0 } },
    ])
    const lines = scenarioToScript(s).text.trim().split('\n')
    expect(lines.filter((l) => l.startsWith('file '))).toEqual(['file ext4 11 F', 'file memfd 11 F'])
    expect(lines).toContain('step 1 mmap 0 2 rw- private 0 7')
    expect(lines).toContain('step 2 mmap 2 2 rw- private 0 9')
    expect(lines).toContain('step 3 mmap 4 1 rw- shared 1 0')
  })

  it('marks a device other than /dev/zero as unsupported, with the reason', () => {
    const s = scenario([
      { op: 'mmap', name: 'D', at: 0, pages: 2, prot: 'rw-', share: 'private',
        backing: { kind: 'device', file: '/dev/mem', pgoff: 0, hook: 'mmap', setsFlags: ['VM_PFNMAP', 'VM_IO'] } },
    ])
    const script = scenarioToScript(s)
    expect(script.unsupported.get(0)).toMatch(/only \/dev\/zero/)
    expect(script.text).toMatch(/^step 1 unsupported /m)
  })

  it('marks a file hook the real file system does not have as unsupported', () => {
    const s = scenario([
      { op: 'mmap', name: 'F', at: 0, pages: 2, prot: 'rw-', share: 'private',
        backing: { kind: 'file', file: 'F', pgoff: 0, fs: 'ext4', hook: 'mmap' } },
    ])
    expect(scenarioToScript(s).unsupported.get(0)).toMatch(/ext4 files use \.mmap_prepare/)
  })
})

describe('parseRecorderOutput', () => {
  it('reads steps, VMAs, offsets and the result page', () => {
    const text = [
      'kernel\t6.18.0', 'base\t0x7f0000000000',
      'step\t1\tparent\tOK\t3', 'vma\t3\t5\tr--s\t00002000\t0\trd mr me ms\t/tmp/x/file0', 'end',
      'step\t2\tchild\tEEXIST', 'end',
      'step\t3\tchild\tUNSUPPORTED\twhy not', 'end', 'done', '',
    ].join('\n')
    const r = parseRecorderOutput(text)
    expect(r.kernel).toBe('6.18.0')
    expect(r.steps.map((s) => [s.index, s.process, s.status, s.resultPage, s.unsupported])).toEqual([
      [1, 'parent', 'OK', 3, undefined],
      [2, 'child', 'EEXIST', null, undefined],
      [3, 'child', 'UNSUPPORTED', null, 'why not'],
    ])
    expect(r.steps[0]!.vmas[0]).toEqual({
      start: 3, end: 5, perms: 'r--s', offsetPages: 2, anonymousKb: 0,
      mnemonics: ['rd', 'mr', 'me', 'ms'], path: '/tmp/x/file0',
    })
  })

  it('rejects a line it does not know', () => {
    expect(() => parseRecorderOutput('kernel\t6.18\nbogus line\n')).toThrow(/unexpected line/)
  })
})

describe('kernelMajorMinor', () => {
  it('reads the release prefix', () => {
    expect(kernelMajorMinor('6.18.44-fc-v669')).toEqual([6, 18])
    expect(kernelMajorMinor('garbage')).toBeNull()
  })
})

const support = machineSupport()
const describeReal = support.ok ? describe : describe.skip
if (!support.ok) console.warn(`kernel-recorder: real recordings skipped: ${support.reason}`)

async function record(s: Scenario, allowUnsupported = false): Promise<RunnerDocument> {
  const result = await recordScenario(s, { allowUnsupported })
  if ('unsupported' in result) throw new Error(result.unsupported)
  return result
}

const lastVmas = (doc: RunnerDocument) => doc.steps[doc.steps.length - 1]!.vmas

describeReal('recordScenario on the real kernel', () => {
  it('records a 2-page anonymous mmap as one VMA [0,2) rw- private: rd wr mr mw me ac', async () => {
    const doc = await record(scenario([anon('A', 0, 2)]))
    expect(doc.kernel).toBe(`real:${support.ok ? support.kernel : ''}`)
    expect(doc.steps).toHaveLength(1)
    const step = doc.steps[0]!
    expect(step).toMatchObject({ index: 1, op: 'mmap', process: 'parent', error: null, outcome: 'new', ksm: null })
    expect(step.vmas).toEqual([
      expect.objectContaining({
        start: 0, end: 2, prot: 'rw-', share: 'private', mergeable: false, names: ['A'], backing: 'anon',
        mnemonics: ['rd', 'wr', 'mr', 'mw', 'me', 'ac'],
        flags: ['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_ACCOUNT'],
      }),
    ])
  })

  it('keeps the window isolated: mappings at both edges do not merge with the guards', async () => {
    const doc = await record(scenario([anon('Low', 0, 1), anon('High', 63, 1)]))
    expect(lastVmas(doc).map((v) => [v.start, v.end])).toEqual([[0, 1], [63, 64]])
  })

  it('infers merged-prev and carries both names on the merged VMA', async () => {
    const doc = await record(scenario([anon('A', 0, 2), anon('B', 2, 2)]))
    expect(doc.steps[1]!.outcome).toBe('merged-prev')
    expect(lastVmas(doc)).toEqual([expect.objectContaining({ start: 0, end: 4, names: ['A', 'B'] })])
  })

  it('reports an overlapping mmap as EEXIST and leaves the layout alone', async () => {
    const doc = await record(scenario([anon('A', 0, 2), anon('B', 1, 2)]))
    expect(doc.steps[1]).toMatchObject({ error: 'EEXIST', outcome: 'failed' })
    expect(doc.steps[1]!.vmas).toEqual(doc.steps[0]!.vmas)
  })

  it('moves the names with an mremap', async () => {
    const doc = await record(scenario([anon('A', 0, 2), { op: 'mremap', at: 0, pages: 2, newPages: 2, to: 10 }]))
    expect(lastVmas(doc)).toEqual([expect.objectContaining({ start: 10, end: 12, names: ['A'] })])
  })

  it('places a kernel-placed mmap in the highest hole that fits', async () => {
    const steps: Step[] = [{ op: 'mmap', name: 'K', pages: 3, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }]
    const doc = await record(scenario(steps, { placement: 'kernel' }))
    expect(lastVmas(doc)).toEqual([expect.objectContaining({ start: 61, end: 64, names: ['K'] })])
  })

  it('moves the program break into the window and labels the heap', async () => {
    const doc = await record(scenario([{ op: 'brk', pages: 2 }], { brkBase: 40 }))
    expect(doc.steps[0]).toMatchObject({ error: null, outcome: 'new' })
    expect(lastVmas(doc)).toEqual([expect.objectContaining({ start: 40, end: 42, backing: 'heap', names: ['[heap]'] })])
  })

  it('reports the child after a fork', async () => {
    const doc = await record(scenario([anon('A', 0, 1), { op: 'fork' }, anon('B', 4, 1)]))
    expect(doc.steps.map((s) => s.process)).toEqual(['parent', 'child', 'child'])
  })

  it('names the pages of a 2^26-page mapping (256 GiB, MAP_NORESERVE) split by mprotect, and an mremap of part of it', async () => {
    // A per-page label map cannot hold 2^26 pages (V8's Map stops at 2^24 entries): the labels are runs.
    const big = 2 ** 26
    const doc = await record(scenario([
      { ...anon('A', 0, big), mapFlags: ['MAP_NORESERVE'] },
      { op: 'mprotect', at: 1, pages: 1, prot: 'r--' },
      { op: 'mremap', at: 1, pages: 1, newPages: 1, to: big + 8, mayMove: true },
    ], { windowPages: 2 * big }))
    expect(doc.steps.map((s) => s.error)).toEqual([null, null, null])
    expect(doc.steps[1]!.vmas.map((v) => [v.start, v.end, v.names])).toEqual([[0, 1, ['A']], [1, 2, ['A']], [2, big, ['A']]])
    expect(lastVmas(doc).map((v) => [v.start, v.end, v.names])).toEqual([[0, 1, ['A']], [2, big, ['A']], [big + 8, big + 9, ['A']]])
  })

  it('turns a step it cannot run into { unsupported }, or into error UNSUPPORTED when allowed', async () => {
    const s = scenario([
      anon('A', 0, 1),
      { op: 'mmap', name: 'D', at: 2, pages: 1, prot: 'rw-', share: 'private',
        backing: { kind: 'device', file: '/dev/mem', pgoff: 0, hook: 'mmap', setsFlags: ['VM_PFNMAP'] } },
    ])
    expect(await recordScenario(s)).toEqual({ unsupported: expect.stringMatching(/^steps\[1\]: .*\/dev\/zero/) })
    const doc = await record(s, true)
    expect(doc.steps[1]).toMatchObject({ error: 'UNSUPPORTED', unsupported: expect.stringMatching(/\/dev\/zero/) })
  })
})
