/**
 * The recorder builds a scenario's `initial` VMAs with real calls
 * (initial-setup.ts), or refuses with the reason; what it records afterwards is
 * compared step by step with the engine, as fidelity.test.ts compares the corpus.
 */
import { describe, expect, it } from 'vitest'
import { simulate, traceToRunnerJson } from '../engine'
import { loadScenario } from '../scenario/load'
import type { Scenario } from '../scenario/types'
import { compared, describeMismatch, scenarioAsRecorded } from './compare'
import { machineSupport, recordScenario } from './kernel-recorder'
import { scenarioToScript } from './recorder-script'

function scenario(doc: Record<string, unknown>): Scenario {
  const loaded = loadScenario({ format: 'vma-scenario/1', windowPages: 64, ...doc })
  if (!loaded.ok) throw new Error(loaded.text)
  return loaded.scenario
}

const anonVma = (start: number, end: number, prot: string, extra: Record<string, unknown> = {}) =>
  ({ start, end, prot, share: 'private', backing: 'anon', ...extra })
const mmapAnon = (at: number, pages: number, prot = 'rw-') =>
  ({ op: 'mmap', name: `M${at}`, at, pages, prot, share: 'private', backing: { kind: 'anon' } })

describe('planInitial (the calls, without a kernel)', () => {
  it('makes a faulted VMA writable with a prot its neighbour lacks, writes it, then gives it its own prot', () => {
    const s = scenario({
      initial: { vmas: [anonVma(0, 4, 'rw-', { anonVma: 1 }), anonVma(4, 8, 'rw-', { anonVma: 2 })] },
      steps: [mmapAnon(8, 4)],
    })
    const lines = scenarioToScript(s).text.split('\n').filter((l) => l.startsWith('step 0 '))
    expect(lines).toEqual([
      'step 0 mmap 0 4 rw- private -1 0', 'step 0 madvise 0 4 16', 'step 0 touch 0 1 1', 'step 0 madvise 0 4 17', 'step 0 mprotect 0 4 rw-',
      // rw- is its left neighbour's prot: made -w- so mmap cannot expand [0,4) over it, and
      // written under MADV_DONTDUMP so that the fault does not reuse [0,4)'s anon_vma.
      'step 0 mmap 4 4 -w- private -1 0', 'step 0 madvise 4 4 16', 'step 0 touch 4 1 1', 'step 0 madvise 4 4 17', 'step 0 mprotect 4 4 rw-',
    ])
  })

  it('makes the pieces of one anon_vma as one mapping, one write, then cuts them apart', () => {
    const s = scenario({
      initial: { vmas: [anonVma(0, 2, 'rw-', { anonVma: 7 }), anonVma(2, 4, 'r--', { anonVma: 3 }), anonVma(4, 6, 'rw-', { anonVma: 7 })] },
      steps: [],
    })
    const lines = scenarioToScript(s).text.split('\n').filter((l) => l.startsWith('step 0 '))
    expect(lines).toEqual([
      'step 0 mmap 0 6 rw- private -1 0', 'step 0 madvise 0 6 16', 'step 0 touch 0 1 1', 'step 0 madvise 0 6 17', 'step 0 munmap 2 2',
      'step 0 mprotect 0 2 rw-', 'step 0 mprotect 4 2 rw-',
      // Both neighbours are rw-: the hole is filled -w-, written, then made r--.
      'step 0 mmap 2 2 -w- private -1 0', 'step 0 madvise 2 2 16', 'step 0 touch 2 1 1', 'step 0 madvise 2 2 17', 'step 0 mprotect 2 2 r--',
    ])
  })

  it('refuses what no real process can be made to hold, naming the VMA and why', () => {
    const refusal = (doc: Record<string, unknown>) => scenarioToScript(scenario({ steps: [], ...doc })).initialProblem
    expect(refusal({ windowPages: 2 ** 35, initial: { base: '0x0', vmas: [anonVma(0x7f0000000, 0x7f0000004, 'rw-')] } }))
      .toMatch(/absolute addresses \(base 0x0.*cannot rebuild them/)
    expect(refusal({ initial: { vmas: [{ start: 0, end: 2, prot: 'rw-', share: 'shared', backing: 'device', file: '/dev/mem' }] } }))
      .toBe('initial.vmas[0]: device "/dev/mem": only /dev/zero can be mapped for real')
    expect(refusal({ initial: { vmas: [anonVma(0, 2, 'rw-', { pgoff: 5 })] } }))
      .toMatch(/^initial.vmas\[0\]: an anonymous vm_pgoff \(5\) is an absolute page, and the scenario gives no base/)
    expect(refusal({ brkBase: 10, initial: { vmas: [{ start: 4, end: 8, prot: 'rw-', share: 'private', backing: 'heap' }] } }))
      .toMatch(/^initial.vmas\[0\]: a \[heap\] VMA that does not start at brkBase/)
  })
})

const support = machineSupport()
const describeReal = support.ok ? describe : describe.skip
if (!support.ok) console.warn(`initial-recorder: real recordings skipped: ${support.reason}`)

/** Records s, runs the engine on it as recorded, and expects the two to agree at every step. */
async function agreesWithKernel(s: Scenario): Promise<{ kernel: ReturnType<typeof compared> }> {
  const real = await recordScenario(s)
  if ('unsupported' in real) throw new Error(real.unsupported)
  const kernel = compared(real.steps)
  const engine = compared(traceToRunnerJson(simulate(scenarioAsRecorded(s, real.machine), '6.18')).steps)
  kernel.forEach((k, i) => {
    if (JSON.stringify(k) !== JSON.stringify(engine[i])) throw new Error(describeMismatch(s, i, k, engine[i]!))
  })
  return { kernel }
}

const ranges = (step: { vmas: ReadonlyArray<{ start: number; end: number; prot: string }> }) => step.vmas.map((v) => `[${v.start},${v.end}) ${v.prot}`)

describeReal('the recorder builds initial VMAs on the real kernel', () => {
  it('two faulted VMAs with their own anon_vmas stay apart; an unfaulted mmap after them merges with the second', async () => {
    const { kernel } = await agreesWithKernel(scenario({
      initial: { vmas: [anonVma(0, 4, 'rw-', { anonVma: 1 }), anonVma(4, 8, 'rw-', { anonVma: 2 })] },
      steps: [mmapAnon(8, 4), { op: 'mprotect', at: 4, pages: 8, prot: 'rw-' }],
    }))
    expect(ranges(kernel[0]!)).toEqual(['[0,4) rw-', '[4,12) rw-'])
  }, 60_000)

  it('the pieces of one split anon_vma merge back when mprotect makes them equal (VM_ACCOUNT kept from the write)', async () => {
    const { kernel } = await agreesWithKernel(scenario({
      initial: { vmas: [
        anonVma(0, 4, 'rw-', { anonVma: 1 }),
        anonVma(4, 8, 'r--', { anonVma: 1, flags: ['VM_READ', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_ACCOUNT'] }),
      ] },
      steps: [{ op: 'mprotect', at: 4, pages: 4, prot: 'rw-' }],
    }))
    expect(ranges(kernel[0]!)).toEqual(['[0,8) rw-'])
  }, 60_000)

  it('a [heap], a shared ext4 file and MERGE_ANY: later steps extend and merge with them', async () => {
    await agreesWithKernel(scenario({
      brkBase: 20,
      initial: { mergeAny: true, vmas: [
        { start: 0, end: 4, prot: 'r--', share: 'shared', backing: 'file', file: 'data', pgoff: 0,
          flags: ['VM_READ', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE'] },
        { start: 8, end: 12, prot: 'rw-', share: 'private', backing: 'anon', anonVma: 1,
          flags: ['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_ACCOUNT', 'VM_MERGEABLE'] },
        { start: 20, end: 24, prot: 'rw-', share: 'private', backing: 'heap',
          flags: ['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_ACCOUNT', 'VM_MERGEABLE'] },
      ] },
      steps: [
        { op: 'mmap', name: 'more data', at: 4, pages: 4, prot: 'r--', share: 'shared', backing: { kind: 'file', file: 'data', pgoff: 4 } },
        mmapAnon(12, 4),
        { op: 'brk', pages: 8 },
      ],
    }))
  }, 60_000)

  it('refuses an initial state the kernel cannot hold (two equal unfaulted VMAs side by side merge), with both lists', async () => {
    const result = await recordScenario(scenario({
      initial: { vmas: [anonVma(0, 4, 'rw-'), anonVma(4, 8, 'rw-')] },
      steps: [mmapAnon(8, 4)],
    }))
    expect(result).toEqual({ unsupported: expect.stringMatching(/^initial: a real process built with .* kernel \[0,8\) rw- p .*; scenario \[0,4\) rw- p .* \| \[4,8\) rw- p/) })
  }, 60_000)

  it('refuses a faulted read-only VMA without VM_ACCOUNT: a real process wrote it while it was writable', async () => {
    const result = await recordScenario(scenario({ initial: { vmas: [anonVma(0, 4, 'r--', { anonVma: 1 })] }, steps: [] }))
    expect(result).toEqual({ unsupported: expect.stringMatching(/^initial: .*kernel \[0,4\) r-- p \{[^}]*ac[^}]*\}; scenario \[0,4\) r-- p \{rd mr mw me\}$/) })
  }, 60_000)
})
