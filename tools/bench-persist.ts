/**
 * `npm run --silent bench:persist -- [--steps N] [--json]`: how saving and
 * restoring a large scenario through src/persist behaves, in Node over
 * fake-indexeddb with the real idb-keyval and V8's structured clone (the same
 * serializer Chromium uses for IndexedDB). Prints the total time, the number
 * of chunks, and the longest stretch without a turn of the event loop (what
 * would be a main-thread task in the page); the target is ≤ 50 ms at
 * 1,000,000 steps.
 */
import 'fake-indexeddb/auto'
import { performance } from 'node:perf_hooks'
import { openWorkDb } from '../src/persist/kv'
import { CHUNK_ITEMS, readScenario, writeScenario } from '../src/persist/scenario-chunks'
import type { Scenario, Step } from '../src/scenario/types'

const args = process.argv.slice(2)
const stepsArg = args.indexOf('--steps')
const count = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 1_000_000
const json = args.includes('--json')

function scenarioOf(n: number): Scenario {
  const steps: Step[] = new Array(n)
  for (let i = 0; i < n; i++) steps[i] = { op: 'mprotect', at: (i * 2) % 60_000, pages: 1, prot: i % 2 ? 'r--' : 'rw-' }
  return { format: 'vma-scenario/3', title: `${n} steps`, windowPages: 65_536, placement: 'fixed', steps }
}

/**
 * Runs `work` while a ticker measures the longest gap between event-loop turns, in wall time
 * and in CPU time used by the process meanwhile (on a busy machine the wall time also counts
 * the time the process waited for a core).
 */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; longestTaskMs: number; longestTaskCpuMs: number }> {
  let longest = 0
  let longestCpu = 0
  let last = performance.now()
  let lastCpu = process.cpuUsage()
  let running = true
  const tick = () => {
    const now = performance.now()
    const cpu = process.cpuUsage(lastCpu)
    longest = Math.max(longest, now - last)
    longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000)
    last = now
    lastCpu = process.cpuUsage()
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  const start = performance.now()
  const value = await work()
  const ms = performance.now() - start
  running = false
  longest = Math.max(longest, performance.now() - last)
  return { value, ms, longestTaskMs: longest, longestTaskCpuMs: longestCpu }
}

const scenario = scenarioOf(count)
const db = openWorkDb('bench-persist', 'work')
const write = await measure(() => writeScenario(db, 'bench', scenario))
const read = await measure(() => readScenario(db, 'bench'))
if (read.value?.steps.length !== count) throw new Error(`read back ${read.value?.steps.length ?? 'nothing'} steps, wrote ${count}`)
const result = {
  steps: count,
  chunks: Math.ceil(count / CHUNK_ITEMS),
  writeMs: Math.round(write.ms),
  writeLongestTaskMs: Math.round(write.longestTaskMs * 10) / 10,
  writeLongestTaskCpuMs: Math.round(write.longestTaskCpuMs * 10) / 10,
  readMs: Math.round(read.ms),
  readLongestTaskMs: Math.round(read.longestTaskMs * 10) / 10,
  readLongestTaskCpuMs: Math.round(read.longestTaskCpuMs * 10) / 10,
}
if (json) console.log(JSON.stringify(result))
else {
  console.log(`saved ${count.toLocaleString('en-US')} steps in ${result.chunks} chunks: ${result.writeMs} ms, longest task ${result.writeLongestTaskMs} ms (${result.writeLongestTaskCpuMs} ms CPU)`)
  console.log(`restored them: ${result.readMs} ms, longest task ${result.readLongestTaskMs} ms (${result.readLongestTaskCpuMs} ms CPU)`)
}
