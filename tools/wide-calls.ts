/**
 * How the time of one call over very many VMAs grows with their number
 * (issue 16: "no worse than linearly with the VMAs touched"): fork, munmap,
 * mprotect, madvise, mremap and mmap(MAP_FIXED) over N one-page VMAs in
 * `initial`, for N = 50,000, 100,000 and 200,000 (the calls of
 * src/engine/large-address-space.test.ts, which checks their results). Each
 * call is the one step of a Simulation built beforehand (building `initial` is
 * not timed), with the trace recording on; best of three.
 *
 *   npx tsx tools/wide-calls.ts [--json]
 *
 * Prints, per call, the milliseconds at each N and the ns per VMA; "growth" is
 * (ns per VMA at 200k) / (ns per VMA at 50k): about 1 means linear.
 */
import type { InitialVma, Scenario, Step } from '../src/scenario/types'
import { Simulation } from '../src/engine/simulate'

const SIZES = [50_000, 100_000, 200_000] as const

function scenario(n: number, steps: Step[], gap: 0 | 1): Scenario {
  const vmas: InitialVma[] = new Array(n)
  const stride = 1 + gap
  for (let i = 0; i < n; i++) vmas[i] = { start: i * stride, end: i * stride + 1, prot: i % 2 ? 'r--' : 'rw-', share: 'private', backing: 'anon' }
  return { format: 'vma-scenario/3', windowPages: 4 * n * stride, placement: 'fixed', maxMapCount: 4 * n, initial: { vmas }, steps }
}

const CALLS: { name: string; gap: 0 | 1; step(n: number): Step }[] = [
  { name: 'fork', gap: 1, step: () => ({ op: 'fork' }) },
  { name: 'munmap', gap: 1, step: (n) => ({ op: 'munmap', at: 0, pages: 2 * n }) },
  { name: 'mprotect (merges all)', gap: 0, step: (n) => ({ op: 'mprotect', at: 0, pages: n, prot: 'rw-' }) },
  { name: 'madvise MERGEABLE', gap: 1, step: (n) => ({ op: 'madvise', at: 0, pages: 2 * n, advice: 'MADV_MERGEABLE' }) },
  { name: 'mremap (move all)', gap: 1, step: (n) => ({ op: 'mremap', at: 0, pages: 2 * n, newPages: 2 * n, to: 2 * n + 16, mayMove: true }) },
  { name: 'mmap MAP_FIXED', gap: 1, step: (n) => ({ op: 'mmap', at: 0, pages: 2 * n, prot: 'rw-', share: 'private', backing: { kind: 'anon' }, mapFlags: ['MAP_FIXED'] }) },
]

function timeCall(s: Scenario): number {
  const run = new Simulation(s, '6.18')
  const t0 = performance.now()
  run.advance(1)
  const ms = performance.now() - t0
  if (run.done !== 1) throw new Error('the call was not taken')
  return ms
}

function best(f: () => number): number {
  let min = Infinity
  for (let i = 0; i < 3; i++) min = Math.min(min, f())
  return min
}

const rows = CALLS.map((call) => {
  const ms = SIZES.map((n) => best(() => timeCall(scenario(n, [call.step(n)], call.gap))))
  const nsPerVma = ms.map((m, i) => (m * 1e6) / SIZES[i]!)
  return { call: call.name, ms: ms.map((m) => Math.round(m * 10) / 10), nsPerVma: nsPerVma.map(Math.round), growth: Math.round((nsPerVma[2]! / nsPerVma[0]!) * 100) / 100 }
})

if (process.argv.includes('--json')) console.log(JSON.stringify(rows))
else {
  console.log(`call                     ${SIZES.map((n) => `${n / 1000}k ms`.padStart(10)).join('')}   ns/VMA at ${SIZES.map((n) => `${n / 1000}k`).join(' / ')}   growth`)
  for (const r of rows) console.log(`${r.call.padEnd(25)}${r.ms.map((m) => m.toFixed(1).padStart(10)).join('')}   ${r.nsPerVma.join(' / ').padEnd(24)}   ${r.growth}`)
}
