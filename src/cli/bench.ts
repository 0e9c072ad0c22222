/**
 * The engine benchmark: builds a large scenario, times `simulate()` over all of
 * its steps (trace recording included) and prints µs per operation and the
 * process's peak RSS. With --vs-kernel it also times the same system calls on
 * this machine's kernel (tools/kernel-bench/bench.c) and prints the ratio.
 *
 *   npm run --silent bench -- --workload mmap-merge --count 60000 --json
 *   npm run --silent bench -- --all --vs-kernel
 *
 * This is a command that prints figures, not a timed test. It refuses to
 * print figures for a run that did not do the intended work: the final VMA
 * count must be the workload's (1 for mmap-merge, N for mmap-nomerge, 2N for
 * mprotect-split) and no step may fail.
 *
 * What is measured: each workload runs in a process of its own, plain `node`
 * on this file bundled with esbuild (into node_modules/.cache/vmascope-bench),
 * so its peak RSS is node's, the engine's and the workload scenario's, without
 * tsx's loader (a second V8 isolate of ~35 MB that `npm run bench` itself runs
 * under). The checks after the timed run read the step columns and the final
 * VMA ids, not step objects or VMA views, so they do not raise the peak either.
 * The real kernel is timed right after each workload, by the same command.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { DEFAULT_KERNEL, KERNEL_IDS, type KernelId } from '../engine/api'
import { simulate } from '../engine/simulate'
import type { Scenario, Step } from '../scenario/types'
import { loadScenario } from '../scenario/load'
import { Output, OutputClosed, writeJson } from './output'

export const WORKLOADS = ['mmap-merge', 'mmap-nomerge', 'mprotect-split', 'million'] as const
export type Workload = (typeof WORKLOADS)[number]

/** The sizes the issues ask the engine to handle: the default --count, and what --all runs (all but million). */
const TARGET_COUNTS: Record<Workload, number> = { 'mmap-merge': 60000, 'mmap-nomerge': 60000, 'mprotect-split': 30000, million: 1_000_000 }
const ALL_WORKLOADS: readonly Workload[] = ['mmap-merge', 'mmap-nomerge', 'mprotect-split']

/** vm.max_map_count's default: the most VMAs the million workload keeps live. */
const MILLION_LIVE = 65530

const USAGE = `Usage: npm run --silent bench -- --workload W [--count N] [--json] [--vs-kernel] [--kernel ID]
       npm run --silent bench -- --all [--json] [--vs-kernel]
       npm run --silent bench -- --workload W [--count N] --scenario > W.json

Times the simulated kernel (simulate(), trace recording included) on a workload:
  mmap-merge      N one-page anonymous rw- private mappings, each right after the last (1 VMA)
  mmap-nomerge    the same, prot alternating rw- and r-- (N VMAs)
  mprotect-split  one 2N-page rw- mapping, then mprotect r-- of pages 1, 3, 5, … (2N VMAs)
  million         N steps (default 1,000,000): ${MILLION_LIVE.toLocaleString('en-US')} one-page mappings, rw- and r-- in turn
                  (${MILLION_LIVE.toLocaleString('en-US')} live VMAs), then mprotect of one r-- page to rw- (it merges with
                  both neighbours) and back (it splits again), over and over

Options:
  --workload W   one of ${WORKLOADS.join(', ')}
  --count N      size of the workload, a plain whole number ≥ 1 (default: ${WORKLOADS.map((w) => `${w} ${TARGET_COUNTS[w]}`).join(', ')})
  --all          run ${ALL_WORKLOADS.join(', ')} at their default counts, each in its own process
  --json         print {"workload","count","usPerOp","seconds","peakRssMB"} (an array of them with --all)
  --scenario     print the workload's scenario (JSON, written step by step) instead of timing it,
                 e.g. to give the million-step file to the runner
  --vs-kernel    also time the same calls on this machine's kernel (gcc needed); adds kernelUsPerOp and ratio
  --kernel ID    simulated kernel profile: ${KERNEL_IDS.join(', ')} (default ${DEFAULT_KERNEL})`

const EXIT_USAGE = 2

export interface BenchResult {
  workload: Workload
  count: number
  usPerOp: number
  /** Wall time of simulate() over all steps. */
  seconds: number
  peakRssMB: number
  kernelUsPerOp?: number
  ratio?: number
}

const oneAnonPage = (at: number, prot: string): Step => ({
  op: 'mmap',
  at,
  pages: 1,
  prot,
  share: 'private',
  backing: { kind: 'anon' },
})

/** The scenario of a workload; its window is 2N+16 pages. */
export function buildWorkload(workload: Workload, count: number): Scenario {
  const steps: Step[] = []
  if (workload === 'mprotect-split') {
    steps.push({ op: 'mmap', at: 0, pages: 2 * count, prot: 'rw-', share: 'private', backing: { kind: 'anon' } })
    for (let i = 0; i < count; i++) steps.push({ op: 'mprotect', at: 2 * i + 1, pages: 1, prot: 'r--' })
  } else if (workload === 'million') {
    const live = Math.min(MILLION_LIVE, count)
    for (let i = 0; i < live; i++) steps.push(oneAnonPage(i, i % 2 === 1 ? 'r--' : 'rw-'))
    // r-- pages 1, 3, …, each between two rw- pages; the last r-- page with a rw- page above it is live-2 or live-3.
    const toggled = Math.max(1, Math.floor((live - 1) / 2))
    for (let k = 0; k < count - live; k++) {
      const page = 1 + 2 * (Math.floor(k / 2) % toggled)
      steps.push({ op: 'mprotect', at: page, pages: 1, prot: k % 2 === 0 ? 'rw-' : 'r--' })
    }
  } else {
    const alternate = workload === 'mmap-nomerge'
    for (let i = 0; i < count; i++) steps.push(oneAnonPage(i, alternate && i % 2 === 1 ? 'r--' : 'rw-'))
  }
  return { format: 'vma-scenario/3', title: `bench ${workload} ${count}`, windowPages: 2 * count + 16, placement: 'fixed', steps }
}

export function expectedVmaCount(workload: Workload, count: number): number {
  if (workload === 'mmap-merge') return count > 0 ? 1 : 0
  if (workload === 'million') {
    const live = Math.min(MILLION_LIVE, count)
    return (count - live) % 2 === 1 ? live - 2 : live
  }
  return workload === 'mmap-nomerge' ? count : 2 * count
}

/** Steps of the untimed warm-up run. */
const WARM_UP_COUNT = 2000

function peakRssMB(): number {
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10 // maxRSS is in KiB
}

/** Runs one workload in this process and checks that it did what it should. */
export function runEngineBench(workload: Workload, count: number, kernel: KernelId): BenchResult {
  const built = buildWorkload(workload, count)
  const loaded = loadScenario(built) // the same door as every other scenario (untimed)
  if (!loaded.ok) throw new Error(`bench scenario is invalid: ${loaded.text}`)
  const scenario = loaded.scenario

  // Warm the JIT on a small run of the same workload first (not timed), as one would
  // warm caches before timing a C loop: the figure is the engine's steady speed.
  const warm = loadScenario(buildWorkload(workload, WARM_UP_COUNT))
  if (warm.ok) simulate(warm.scenario, kernel)

  const started = process.hrtime.bigint()
  const trace = simulate(scenario, kernel)
  const elapsedUs = Number(process.hrtime.bigint() - started) / 1000

  // One step object at a time (dropped at once), and the final VMAs as ids: not 60,000 kept objects.
  for (let i = 1; i <= scenario.steps.length; i++) {
    const step = trace.stepAt(i)!
    if (step.error !== null) throw new Error(`step ${step.index} (${step.summary}) failed with ${step.error}`)
  }
  const vmas = trace.idsAt(scenario.steps.length).length
  const expected = expectedVmaCount(workload, count)
  if (vmas !== expected) throw new Error(`${workload} ${count} left ${vmas} VMAs, expected ${expected}`)

  const ops = scenario.steps.length
  return { workload, count, usPerOp: round(elapsedUs / Math.max(ops, 1)), seconds: round(elapsedUs / 1e6), peakRssMB: peakRssMB() }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

// ---------------------------------------------------------------- the real kernel

const KERNEL_BENCH_DIR = fileURLToPath(new URL('../../tools/kernel-bench/', import.meta.url))
const KERNEL_BENCH_SOURCE = `${KERNEL_BENCH_DIR}bench.c`
const KERNEL_BENCH_BINARY = `${KERNEL_BENCH_DIR}build/bench`

/** Compiles tools/kernel-bench/bench.c when the binary is missing or older than the source. */
function ensureKernelBench(): string {
  const stale = !existsSync(KERNEL_BENCH_BINARY) || statSync(KERNEL_BENCH_BINARY).mtimeMs < statSync(KERNEL_BENCH_SOURCE).mtimeMs
  if (stale) {
    mkdirSync(`${KERNEL_BENCH_DIR}build`, { recursive: true })
    execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-o', KERNEL_BENCH_BINARY, KERNEL_BENCH_SOURCE], { stdio: 'inherit' })
  }
  return KERNEL_BENCH_BINARY
}

function runKernelBench(workload: Workload, count: number): number {
  const run = spawnSync(ensureKernelBench(), [workload, String(count)], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`kernel bench failed: ${run.stderr.trim() || `exit ${run.status}`}`)
  const result = JSON.parse(run.stdout) as { usPerCall: number; vmas: number }
  const expected = expectedVmaCount(workload, count)
  if (result.vmas !== expected) throw new Error(`the real kernel left ${result.vmas} VMAs, expected ${expected}`)
  return result.usPerCall
}

// ---------------------------------------------------------------- command line

function formatLine(result: BenchResult): string {
  let line = `${result.workload.padEnd(15)} count ${String(result.count).padStart(7)}   ${result.usPerOp.toFixed(2).padStart(8)} µs/op   ${result.seconds.toFixed(2).padStart(7)} s   peak RSS ${result.peakRssMB.toFixed(1)} MB`
  if (result.kernelUsPerOp !== undefined && result.ratio !== undefined) {
    line += `   real kernel ${result.kernelUsPerOp.toFixed(2)} µs/op   ratio ${result.ratio.toFixed(1)}×`
  }
  return line
}

const BUNDLE = fileURLToPath(new URL('../../node_modules/.cache/vmascope-bench/bench.mjs', import.meta.url))
/** Set in the bundled child: it times the engine and prints its result, nothing else. */
const CHILD_ENV = 'VMASCOPE_BENCH_CHILD'

/** This file and what it imports as one plain-JavaScript file for node (esbuild). */
async function bundleBench(): Promise<string> {
  const { build } = await import('esbuild')
  mkdirSync(dirname(BUNDLE), { recursive: true })
  await build({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: BUNDLE, external: ['esbuild'], logLevel: 'warning' })
  return BUNDLE
}

/** One workload timed in a fresh plain-node process (the bundle), so peak RSS belongs to that workload alone. */
function runInChild(bundle: string, workload: Workload, count: number, kernel: KernelId): BenchResult {
  const args = [bundle, '--workload', workload, '--count', String(count), '--json', '--kernel', kernel]
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20, env: { ...process.env, [CHILD_ENV]: '1' } })
  if (child.status !== 0) throw new Error(`${workload} failed (exit ${child.status})`)
  return JSON.parse(child.stdout) as BenchResult
}

/** The engine on `workload` in a child, then (--vs-kernel) the real kernel on the same calls. */
function runSideBySide(bundle: string, workload: Workload, count: number, kernel: KernelId, vsKernel: boolean): BenchResult {
  const result = runInChild(bundle, workload, count, kernel)
  if (vsKernel) {
    result.kernelUsPerOp = runKernelBench(workload, count)
    result.ratio = round(result.usPerOp / result.kernelUsPerOp)
  }
  return result
}

async function main(argv: string[]): Promise<number> {
  let values
  try {
    values = parseArgs({
      args: argv,
      options: {
        workload: { type: 'string' },
        count: { type: 'string' },
        all: { type: 'boolean' },
        json: { type: 'boolean' },
        'vs-kernel': { type: 'boolean' },
        scenario: { type: 'boolean' },
        kernel: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error))
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const kernel = values.kernel ?? DEFAULT_KERNEL
  if (!(KERNEL_IDS as readonly string[]).includes(kernel)) {
    return usageError(`unknown kernel "${kernel}"; expected one of ${KERNEL_IDS.join(', ')}`)
  }
  const vsKernel = values['vs-kernel'] ?? false

  try {
    if (values.all) {
      const bundle = await bundleBench()
      const results = ALL_WORKLOADS.map((workload) => runSideBySide(bundle, workload, TARGET_COUNTS[workload], kernel as KernelId, vsKernel))
      process.stdout.write(values.json ? `${JSON.stringify(results)}\n` : `${results.map(formatLine).join('\n')}\n`)
      return 0
    }
    const workload = values.workload
    if (!workload || !(WORKLOADS as readonly string[]).includes(workload)) {
      return usageError(workload ? `unknown workload "${workload}"; expected one of ${WORKLOADS.join(', ')}` : 'give --workload or --all')
    }
    const count = values.count === undefined ? TARGET_COUNTS[workload as Workload] : plainCount(values.count)
    if (count === null) return usageError(`--count must be a plain whole number ≥ 1 (digits only, like 60000), got "${values.count}"`)
    if (vsKernel && workload === 'million') return usageError('--vs-kernel times mmap-merge, mmap-nomerge and mprotect-split; the real-kernel bench has no million workload')
    if (values.scenario) {
      writeScenario(buildWorkload(workload as Workload, count))
      return 0
    }
    const result = process.env[CHILD_ENV]
      ? runEngineBench(workload as Workload, count, kernel as KernelId)
      : runSideBySide(await bundleBench(), workload as Workload, count, kernel as KernelId, vsKernel)
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${formatLine(result)}\n`)
    return 0
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
}

/** "60000" → 60000; anything but plain decimal digits (0x10, 1e3, 1_000, +5, 07, "") → null. */
export function plainCount(text: string): number | null {
  if (!/^[1-9][0-9]*$/.test(text)) return null
  const count = Number(text)
  return Number.isSafeInteger(count) ? count : null
}

/** The scenario as compact JSON on stdout, written step by step. */
function writeScenario(scenario: Scenario): void {
  const out = new Output()
  try {
    writeJson(out, scenario, '')
    out.write('\n')
    out.flush()
  } catch (error) {
    if (!(error instanceof OutputClosed)) throw error
  }
}

function usageError(message: string): number {
  process.stderr.write(`bench: ${message}\n\n${USAGE}\n`)
  return EXIT_USAGE
}

// Run only as a command, not when a test imports the workload builders.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
