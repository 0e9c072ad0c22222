/**
 * Writes the extreme scenarios of issue 16's table into a directory, to time
 * the runner on them with `/usr/bin/time -v`:
 *
 *   npx tsx tools/hostile-inputs.ts /tmp/hostile
 *   /usr/bin/time -v npm run --silent simulate -- /tmp/hostile/fork-130k.json > /dev/null
 *
 * fork-130k.json      130,000 one-page VMAs in `initial` (one page apart), then fork
 * munmap-130k.json    the same, then one munmap over all of them
 * alternating-1500    1,500 one-page mmaps, rw- and r-- in turn (1,500 VMAs at the end), for the pretty output
 * alternating-8000    the same with 8,000, for --compact
 * steps-1m.json       1,000,000 steps: four one-page mappings, then mprotect of page 1 to rw- and back (it
 *                     merges with both neighbours and splits out again), so every step prints a few VMAs
 *
 * The million-step run with 65,530 live VMAs is `npm run --silent bench -- --workload million --scenario`.
 * Each file is written piece by piece (no document-sized string).
 */
import { openSync, closeSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { InitialVma, Scenario, Step } from '../src/scenario/types'
import { Output, writeJson } from '../src/cli/output'

function initialScenario(count: number, steps: Step[]): Scenario {
  const vmas: InitialVma[] = new Array(count)
  for (let i = 0; i < count; i++) vmas[i] = { start: 2 * i, end: 2 * i + 1, prot: i % 2 ? 'r--' : 'rw-', share: 'private', backing: 'anon' }
  return { format: 'vma-scenario/3', windowPages: 4 * count, placement: 'fixed', maxMapCount: 4 * count, initial: { vmas }, steps }
}

function alternating(count: number): Scenario {
  const steps: Step[] = []
  for (let i = 0; i < count; i++) steps.push({ op: 'mmap', at: i, pages: 1, prot: i % 2 ? 'r--' : 'rw-', share: 'private', backing: { kind: 'anon' } })
  return { format: 'vma-scenario/3', windowPages: 2 * count + 16, placement: 'fixed', steps }
}

function millionSteps(count: number): Scenario {
  const steps: Step[] = []
  for (let i = 0; i < 4; i++) steps.push({ op: 'mmap', at: i, pages: 1, prot: i % 2 ? 'r--' : 'rw-', share: 'private', backing: { kind: 'anon' } })
  for (let k = 0; steps.length < count; k++) steps.push({ op: 'mprotect', at: 1, pages: 1, prot: k % 2 === 0 ? 'rw-' : 'r--' })
  return { format: 'vma-scenario/3', windowPages: 64, placement: 'fixed', steps }
}

const dir = process.argv[2]
if (!dir) {
  process.stderr.write('usage: npx tsx tools/hostile-inputs.ts DIR\n')
  process.exit(2)
}
mkdirSync(dir, { recursive: true })
const files: Record<string, () => Scenario> = {
  'fork-130k.json': () => initialScenario(130_000, [{ op: 'fork' }]),
  'munmap-130k.json': () => initialScenario(130_000, [{ op: 'munmap', at: 0, pages: 260_000 }]),
  'alternating-1500.json': () => alternating(1500),
  'alternating-8000.json': () => alternating(8000),
  'steps-1m.json': () => millionSteps(1_000_000),
}
for (const [name, make] of Object.entries(files)) {
  const fd = openSync(join(dir, name), 'w')
  const out = new Output(fd)
  writeJson(out, make(), '')
  out.write('\n')
  out.flush()
  closeSync(fd)
  process.stdout.write(`${join(dir, name)}\n`)
}
