/**
 * The exported C, proved on this machine's kernel: for every scenario of the
 * fidelity corpus the C program ("Export C program") and the kselftest
 * ("Export kselftest", built against ./testing/kselftest_harness.h) are
 * generated for the 6.18 profile, compiled with gcc -Wall -Wextra -Werror (in
 * parallel), and run. Every step must be `ok`; a step may be skipped only with
 * a reason the program itself states. Compare with the fidelity test, which
 * runs the same corpus through tools/kernel-recorder.
 *
 * Also: the comparison can fail (the 6.16 prediction run on this 6.18 kernel
 * is `not ok`), and a scenario with an arbitrary driver says so and skips.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, copyFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simulate } from '../engine'
import { machineSupport } from '../fidelity/kernel-recorder'
import { corpusScenarios } from '../fidelity/corpus'
import { loadScenario } from '../scenario/load'
import type { Scenario } from '../scenario/types'
import { cProgram } from './c-program'
import { kselftest, testName } from './kselftest'
import { planReproducer, ReproducerTooLarge } from './step-plan'
import { findStressScenario } from '../scenario/stress'

const support = machineSupport([6, 17])
const describeOnLinux = support.ok ? describe : describe.skip
if (!support.ok) console.warn(`C reproducer runs skipped: ${support.reason}`)

const GCC = ['-Wall', '-Wextra', '-Werror', '-O0']

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** Run jobs `width` at a time. */
async function pool<T, R>(items: T[], width: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const k = next++
        out[k] = await job(items[k]!)
      }
    }),
  )
  return out
}

interface TapLine {
  ok: boolean
  n: number
  skip: string | null
}

function tapLines(stdout: string): { plan: number | null; lines: TapLine[] } {
  const plan = /^1\.\.(\d+)$/m.exec(stdout)
  const lines: TapLine[] = []
  for (const m of stdout.matchAll(/^(not ok|ok) (\d+)(?: - .*?)?(?: # SKIP (.*))?$/gm))
    lines.push({ ok: m[1] === 'ok', n: Number(m[2]), skip: m[3] ?? null })
  return { plan: plan ? Number(plan[1]) : null, lines }
}

/** Reasons a program may give for a skip: those it writes in its own source, or an earlier skipped step. */
function skipIsStated(reason: string, source: string, skippedBefore: Set<number>): boolean {
  const earlier = /^step (\d+) was not run, so the address space is no longer the one the profile predicts$/.exec(reason)
  if (earlier) return skippedBefore.has(Number(earlier[1]))
  return source.includes(reason)
}

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vmascope-reproducer-test-'))
  copyFileSync(join(import.meta.dirname, 'testing', 'kselftest_harness.h'), join(dir, 'kselftest_harness.h'))
  // A stand-in for merge.c around the pasted test: its fixture, then the export, then the harness's main.
  writeFileSync(
    join(dir, 'merge-wrapper.c'),
    [
      '#define _GNU_SOURCE',
      '#include "kselftest_harness.h"',
      'FIXTURE(merge) { unsigned int page_size; char *carveout; };',
      'FIXTURE_SETUP(merge) { self->page_size = 4096; self->carveout = mmap(NULL, 30 * 4096, PROT_NONE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0); ASSERT_NE(self->carveout, MAP_FAILED); }',
      'FIXTURE_TEARDOWN(merge) { munmap(self->carveout, 30 * 4096); }',
      '#include TEST_FILE',
      'TEST_HARNESS_MAIN',
      '',
    ].join('\n'),
  )
})
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function buildAndRun(name: string, source: string, kind: 'program' | 'kselftest'): Promise<{ build: Run; result: Run | null }> {
  const file = `${name}.${kind}.c`
  writeFileSync(join(dir, file), source)
  const args = kind === 'program' ? [...GCC, '-o', `${name}.${kind}`, file] : [...GCC, `-DTEST_FILE="${file}"`, '-o', `${name}.${kind}`, 'merge-wrapper.c']
  const build = await run('gcc', args, dir)
  if (build.status !== 0) return { build, result: null }
  return { build, result: await run(`./${name}.${kind}`, [], dir) }
}

describe('the plan of a reproducer', () => {
  it('says at the top which steps an arbitrary driver makes impossible, and skips the ones that depend on them', () => {
    const loaded = loadScenario(JSON.stringify({
      format: 'vma-scenario/1', title: 'a VM_PFNMAP driver', windowPages: 16,
      steps: [
        { op: 'mmap', at: 0, pages: 2, prot: 'rw-', share: 'shared', backing: { kind: 'device', file: '/dev/fb0', setsFlags: ['VM_PFNMAP', 'VM_IO'] } },
        { op: 'mmap', at: 4, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } },
      ],
    }))
    if (!loaded.ok) throw new Error(loaded.text)
    const source = cProgram(loaded.scenario, simulate(loaded.scenario, '6.18'))
    expect(source).toContain('NOT REPRODUCED with real calls on a stock machine (those steps are skipped):')
    expect(source).toContain('step 1: device \'/dev/fb0\': only /dev/zero can be mapped for real')
    const plan = planReproducer(loaded.scenario, simulate(loaded.scenario, '6.18'))
    expect(plan.steps.map((s) => s.skip)).toEqual([
      "device '/dev/fb0': only /dev/zero can be mapped for real",
      'step 1 was not run, so the address space is no longer the one the profile predicts',
    ])
  })

  it('refuses a scenario whose checks would be too large to be of use, saying why', () => {
    const stress = findStressScenario('stress-65530')!.build()
    const trace = simulate(stress, '6.18')
    expect(() => cProgram(stress, trace)).toThrow(ReproducerTooLarge)
    expect(() => kselftest(stress, trace)).toThrow(/too large for a C reproducer: checking each of its 65,530 steps would list 2,147,\d{3},\d{3} expected VMAs \(at most 200,000\)/)
  })

  it("sizes the program's buffers for the largest layout it checks", () => {
    const vmas = Array.from({ length: 2000 }, (_, k) => ({ start: 2 * k, end: 2 * k + 1, prot: 'rw-', share: 'private', backing: 'anon' }))
    const loaded = loadScenario(JSON.stringify({
      format: 'vma-scenario/1', title: 'many', windowPages: 4000, initial: { vmas },
      steps: [{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }],
    }))
    if (!loaded.ok) throw new Error(loaded.text)
    const source = cProgram(loaded.scenario, simulate(loaded.scenario, '6.18'))
    expect(source).toMatch(/^#define VS_MAX_VMAS 4064$/m)
    expect(source).toContain('step 1: the scenario starts from an address space of its own')
  })

  it('names the kselftest after the scenario, as a C identifier', () => {
    expect(testName('KSM: two adjacent mappings (6.17+)')).toBe('vmascope_ksm_two_adjacent_mappings_6_17')
    expect(testName(undefined)).toBe('vmascope_scenario')
  })
})

describeOnLinux(`the exported C on this kernel (${support.ok ? support.kernel : 'n/a'})`, () => {
  const corpus = corpusScenarios()
  const width = Math.max(2, availableParallelism())

  it('the C program of every corpus scenario compiles with -Wall -Wextra -Werror and is ok at every step (6.18 profile)', { timeout: 600_000 }, async () => {
    const results = await pool(corpus, width, async ([file, scenario]) => {
      const source = cProgram(scenario, simulate(scenario, '6.18'))
      return { file, scenario, source, ...(await buildAndRun(file.replace(/\.json$/, ''), source, 'program')) }
    })
    const problems: string[] = []
    let steps = 0
    let ok = 0
    // Steps of a scenario written for the other kind of CPU (machine.protectionKeys), which runs on
    // that kind only: the corpus has scenarios for both, so on any machine one of each pair is skipped.
    let otherCpu = 0
    const skipped = new Map<string, number>()
    for (const { file, scenario, source, build, result } of results) {
      if (!result) {
        problems.push(`${file}: gcc failed\n${build.stderr}`)
        continue
      }
      const tap = tapLines(result.stdout)
      steps += scenario.steps.length
      if (result.status !== 0) problems.push(`${file}: exit status ${result.status}\n${result.stdout}${result.stderr}`)
      if (tap.plan !== scenario.steps.length) problems.push(`${file}: plan ${tap.plan}, scenario has ${scenario.steps.length} steps`)
      if (tap.lines.length !== scenario.steps.length) problems.push(`${file}: ${tap.lines.length} TAP lines for ${scenario.steps.length} steps\n${result.stdout}`)
      const skippedBefore = new Set<number>()
      let forOtherCpu = false
      tap.lines.forEach((line, k) => {
        if (line.n !== k + 1) problems.push(`${file}: TAP line ${k + 1} is numbered ${line.n}`)
        if (!line.ok) problems.push(`${file}: not ok ${line.n}\n${result.stdout}`)
        else if (line.skip !== null) {
          if (!skipIsStated(line.skip, source, skippedBefore)) problems.push(`${file}: step ${line.n} skipped for a reason the program does not state: ${line.skip}`)
          skippedBefore.add(line.n)
          if (scenario.machine?.protectionKeys !== undefined && /^the scenario assumes a CPU with(out)? protection keys/.test(line.skip)) forOtherCpu = true
          skipped.set(line.skip.replace(/\[\d+,\d+\)|\d+-page|step \d+/g, '…'), (skipped.get(line.skip.replace(/\[\d+,\d+\)|\d+-page|step \d+/g, '…')) ?? 0) + 1)
        } else ok++
      })
      // Every step it skipped (the first for the CPU, the rest because the first did not run).
      if (forOtherCpu) otherCpu += skippedBefore.size
    }
    console.log(`C programs: ${corpus.length} scenarios, ${steps} steps: ${ok} ok, ${steps - ok} skipped (${otherCpu} of them written for the other kind of CPU)`)
    for (const [reason, count] of skipped) console.log(`  skipped ${count}: ${reason}`)
    expect(problems).toEqual([])
    // Skips are the exception: steps that only a window's edge or a full window can explain, and the
    // scenarios that need what a stock program cannot set up (a window at a named base, secretmem,
    // perf and io_uring mappings), each with its reason stated in the program. Steps written for the
    // other kind of CPU are not counted.
    expect(ok).toBeGreaterThan((steps - otherCpu) * 0.9)
  })

  it('the kselftest of every corpus scenario compiles against a kselftest_harness.h and passes (6.18 profile)', { timeout: 600_000 }, async () => {
    const results = await pool(corpus, width, async ([file, scenario]) => {
      const source = kselftest(scenario, simulate(scenario, '6.18'))
      return { file, scenario, ...(await buildAndRun(file.replace(/\.json$/, ''), source, 'kselftest')) }
    })
    const problems: string[] = []
    let passed = 0
    let skipped = 0
    for (const { file, build, result } of results) {
      if (!result) {
        problems.push(`${file}: gcc failed\n${build.stderr}`)
        continue
      }
      if (result.status !== 0 || !/^ok 1 merge\.vmascope_/m.test(result.stdout)) problems.push(`${file}: exit ${result.status}\n${result.stdout}${result.stderr}`)
      if (/^ok 1 .* # SKIP /m.test(result.stdout)) skipped++
      else passed++
    }
    console.log(`kselftests: ${corpus.length} scenarios: ${passed} passed, ${skipped} ended in SKIP`)
    expect(problems).toEqual([])
  })

  it('reports a difference as not ok and exits 1: the 6.16 prediction on this kernel', async () => {
    const scenario = corpus.find(([file]) => file === 'K01-prctl-then-two-mappings.json')![1] as Scenario
    const { result } = await buildAndRun('k01-as-6.16', cProgram(scenario, simulate(scenario, '6.16')), 'program')
    expect(result!.status).toBe(1)
    expect(result!.stdout).toMatch(/^not ok 3 - mmap B \[2,4\) rw- anon private: new, KSM late$/m)
    expect(result!.stdout).toContain('#   expected: [0,2) rw-p mg | [2,4) rw-p mg\n#   got:      [0,4) rw-p mg')
    const ks = await buildAndRun('k01-as-6.16', kselftest(scenario, simulate(scenario, '6.16')), 'kselftest')
    expect(ks.result!.status).toBe(1)
    expect(ks.result!.stdout).toMatch(/^not ok 1 merge\.vmascope_/m)
  })

  it('skips a device driver step with its reason, and the later steps the skipped one would have changed', async () => {
    const loaded = loadScenario(JSON.stringify({
      format: 'vma-scenario/1', title: 'driver then prctl', windowPages: 16,
      steps: [
        { op: 'mmap', at: 0, pages: 2, prot: 'rw-', share: 'shared', backing: { kind: 'device', file: '/dev/fb0', setsFlags: ['VM_PFNMAP'] } },
        { op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 },
      ],
    }))
    if (!loaded.ok) throw new Error(loaded.text)
    const { build, result } = await buildAndRun('driver', cProgram(loaded.scenario, simulate(loaded.scenario, '6.18')), 'program')
    expect(build.stderr).toBe('')
    expect(result!.status).toBe(0)
    expect(result!.stdout).toContain("ok 1 - mmap [0,2) rw- device /dev/fb0 pgoff 0 (.mmap sets VM_PFNMAP) shared: new # SKIP device '/dev/fb0': only /dev/zero can be mapped for real")
    expect(result!.stdout).toContain('ok 2 - prctl PR_SET_MEMORY_MERGE 1: unchanged # SKIP step 1 was not run')
  })
})

