/**
 * The command-line runner, run as a user runs it (npx tsx src/cli/simulate.ts).
 * Its output must be exactly the engine's runner document for the scenario.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { KERNEL_IDS } from '../engine/api'
import { simulate } from '../engine/simulate'
import { traceToRunnerJson } from '../engine/report'
import { loadScenario } from '../scenario/load'
import { cProgram } from '../reproducer/c-program'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'vmascope-simulate-'))

const mmapStep = (name: string, at: number, prot = 'rw-') => ({
  op: 'mmap', name, at, pages: 2, prot, share: 'private', backing: { kind: 'anon' },
})
const scenario = {
  format: 'vma-scenario/1',
  title: 'PR_SET_MEMORY_MERGE and two adjacent anonymous mappings',
  windowPages: 64,
  steps: [{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }, mmapStep('A', 0), mmapStep('B', 2)],
}

function writeScenario(name: string, value: unknown): string {
  const file = join(scratch, name)
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
  return file
}

function runCli(args: string[], input?: string) {
  const run = spawnSync('npx', ['tsx', 'src/cli/simulate.ts', ...args], { cwd: REPO, input, encoding: 'utf8', maxBuffer: 1 << 28 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

function expectedOutput(kernel: (typeof KERNEL_IDS)[number]): string {
  const loaded = loadScenario(scenario)
  if (!loaded.ok) throw new Error(loaded.text)
  return `${JSON.stringify(traceToRunnerJson(simulate(loaded.scenario, kernel)), null, 2)}\n`
}

describe('simulate CLI', () => {
  const file = writeScenario('adjacent.json', scenario)

  it('prints the runner document of a valid file for the default kernel (6.18)', () => {
    const run = runCli([file])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(expectedOutput('6.18'))
    const document = JSON.parse(run.stdout) as { kernel: string; steps: Array<{ index: number; op: string }> }
    expect(document.kernel).toBe('6.18')
    expect(document.steps.map((step) => [step.index, step.op])).toEqual([[1, 'prctl'], [2, 'mmap'], [3, 'mmap']])
  })

  it('reads stdin when the file is -, and honours --kernel', () => {
    const run = runCli(['--kernel', '6.16', '-'], JSON.stringify(scenario))
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(expectedOutput('6.16'))
  })

  it('prints one line per step with --compact, the same document', () => {
    const run = runCli(['--compact', file])
    expect(run.status).toBe(0)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(scenario.steps.length + 2)
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(expectedOutput('6.18')))
  })

  it('rejects an invalid scenario with the path of the bad field and exit status 2', () => {
    const bad = writeScenario('bad.json', { ...scenario, steps: [...scenario.steps, mmapStep('C', 8, 'rwz')] })
    const run = runCli([bad])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toBe('steps[3].prot: expected three characters from r, w, x, - (like "rw-"), got "rwz"\n')
  })

  it('reports a JSON syntax error with its line and column', () => {
    const run = runCli([writeScenario('broken.json', '{\n  "steps": [,]\n}')])
    expect(run.status).toBe(2)
    expect(run.stderr).toMatch(/^invalid JSON at line 2, column 13/)
  })

  it('rejects an unknown kernel, listing the known ones, with exit status 2', () => {
    const run = runCli(['--kernel', '5.10', file])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain(`unknown kernel "5.10"; expected one of ${KERNEL_IDS.join(', ')}`)
    expect(run.stdout).toBe('')
  })

  it('explains a missing file and shows the usage on --help', () => {
    const missing = runCli([join(scratch, 'nope.json')])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe(`simulate: ${join(scratch, 'nope.json')}: no such file (ENOENT)\n`)
    const help = runCli(['--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toMatch(/^Usage: npm run --silent simulate/)
  })

  it('prints warnings for ignored fields on stderr and still runs', () => {
    const run = runCli([writeScenario('extra.json', { ...scenario, author: 'me' })])
    expect(run.status).toBe(0)
    expect(run.stderr).toBe('warning: ignored unknown field: author\n')
  })

  // 130 one-page mappings, rw- and r-- in turn: every step from the 33rd on has more VMAs than
  // the writer puts in one piece, so the streamed document is checked where it is streamed.
  const alternating = {
    format: 'vma-scenario/1', windowPages: 130, placement: 'fixed',
    steps: Array.from({ length: 130 }, (_, i) => ({ op: 'mmap', name: `m${i}`, at: i, pages: 1, prot: i % 2 ? 'r--' : 'rw-', share: 'private', backing: { kind: 'anon' } })),
  }
  const alternatingFile = writeScenario('alternating.json', alternating)
  const alternatingDocument = () => {
    const loaded = loadScenario(alternating)
    if (!loaded.ok) throw new Error(loaded.text)
    return traceToRunnerJson(simulate(loaded.scenario, '6.18'))
  }

  it('streams exactly the bytes of JSON.stringify(document, null, 2), and of --compact', () => {
    const document = alternatingDocument()
    expect(runCli([alternatingFile]).stdout).toBe(`${JSON.stringify(document, null, 2)}\n`)
    const compact = `{"kernel":"6.18","machine":${JSON.stringify(document.machine)},"steps":[\n${document.steps.map((step) => JSON.stringify(step)).join(',\n')}\n]}\n`
    expect(runCli(['--compact', alternatingFile]).stdout).toBe(compact)
  })

  it('--format ndjson: the head, then one line per step, each the document\'s step', () => {
    const document = alternatingDocument()
    const run = runCli(['--format', 'ndjson', alternatingFile])
    expect(run.status).toBe(0)
    expect(run.stdout).toBe([JSON.stringify({ kernel: '6.18', machine: document.machine }), ...document.steps.map((step) => JSON.stringify(step))].join('\n') + '\n')
  })

  it('--steps FROM..TO, --steps N, --steps FROM.. and --final print only those steps', () => {
    const document = alternatingDocument()
    const { steps } = document
    const indices = (args: string[]) => (JSON.parse(runCli([...args, alternatingFile]).stdout) as { steps: { index: number }[] }).steps.map((step) => step.index)
    expect(indices(['--steps', '40..43'])).toEqual([40, 41, 42, 43])
    expect(indices(['--steps', '7'])).toEqual([7])
    expect(indices(['--steps', '128..'])).toEqual([128, 129, 130])
    const final = JSON.parse(runCli(['--final', alternatingFile]).stdout) as { steps: unknown[] }
    expect(final).toEqual({ kernel: '6.18', machine: document.machine, steps: [steps[129]] })
    expect(runCli(['--final', '--format', 'ndjson', alternatingFile]).stdout).toBe(`${JSON.stringify({ kernel: '6.18', machine: document.machine })}\n${JSON.stringify(steps[129])}\n`)
  })

  it.each([
    [['--steps', '0..3'], 'simulate: --steps: steps are numbered from 1, got 0'],
    [['--steps', '0x10'], 'simulate: --steps: FROM must be a step number (a whole number ≥ 1), got "0x10"'],
    [['--steps', '9..3'], 'simulate: --steps: TO (3) is before FROM (9)'],
    [['--steps', '120..131'], 'simulate: --steps: the scenario has 130 steps; asked for 120..131'],
    [['--steps', '1..2', '--final'], 'simulate: give --steps or --final, not both'],
    [['--format', 'xml'], 'simulate: unknown format "xml"; expected one of json, ndjson, text, maps, c, kselftest'],
    [['--format', 'text', '--final'], 'simulate: --steps and --final are for json and ndjson; text is made from the whole run'],
  ])('refuses %j with one line and exit status 2', (args, message) => {
    const run = runCli([...args, alternatingFile])
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr.split('\n')[0]).toBe(message)
  })
})

describe('simulate CLI on input that is not a scenario file', () => {
  const TOO_BIG = 'more than 64 MiB; no scenario is that big (read stopped there)'

  it('refuses a device (/dev/zero, size 0 on disk) once 64 MiB are read, with one line and exit status 2', () => {
    const run = runCli(['/dev/zero'])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`simulate: /dev/zero: ${TOO_BIG}\n`)
  })

  it('refuses endless standard input the same way', () => {
    const run = spawnSync('sh', ['-c', 'npx tsx src/cli/simulate.ts - < /dev/zero'], { cwd: REPO, encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`simulate: stdin: ${TOO_BIG}\n`)
  })

  it('refuses a FIFO fed without end', () => {
    const fifo = join(scratch, 'endless.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const run = spawnSync('sh', ['-c', `(cat /dev/zero > '${fifo}' 2>/dev/null &) ; npx tsx src/cli/simulate.ts '${fifo}'`], { cwd: REPO, encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`simulate: ${fifo}: ${TOO_BIG}\n`)
  })

  it('refuses a directory with one line, not a stack trace', () => {
    const run = runCli([scratch])
    expect(run.status).toBe(2)
    expect(run.stderr).toBe(`simulate: ${scratch}: is a directory, not a scenario file\n`)
  })

  it('reads a file just under the cap through to the loader', () => {
    const file = join(scratch, 'spaces.json')
    writeFileSync(file, `${JSON.stringify(scenario)}${' '.repeat(64 * 1024 * 1024 - JSON.stringify(scenario).length)}`)
    const run = runCli(['--final', file])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
  })
})

describe('simulate CLI --format', () => {
  const file = writeScenario('adjacent-format.json', scenario)

  it('--format maps prints the /proc/PID/maps lines after each step, hex from the default base', () => {
    const run = runCli(['--format', 'maps', file])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toBe([
      '# step 1: prctl',
      '# step 2: mmap',
      '7f0000000000-7f0000002000 rw-p 00000000 00:00 0',
      '# step 3: mmap',
      '7f0000000000-7f0000004000 rw-p 00000000 00:00 0',
      '',
    ].join('\n'))
  })

  it('--format text on 6.16 shows the call, the late flag and the failed check; --base moves the addresses', () => {
    const run = runCli(['--format', 'text', '--kernel', '6.16', '--base', '0x555555554000', file])
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('  mmap(0x555555556000, 8192, PROT_READ|PROT_WRITE,\n       MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE, -1, 0) = 0x555555556000\n')
    expect(run.stdout).toContain('KSM: late (VM_MERGEABLE set after the merge attempt, on the new VMA)')
    expect(run.stdout).toContain('FAIL is_mergeable_vma(): prev [0,2): flags differ')
    expect(run.stdout).toContain('555555556000-555555558000 rw-p 00000000 00:00 0\n')
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80)
  })

  it('refuses an unknown format and a misaligned --base, naming the choices', () => {
    const bad = runCli(['--format', 'yaml', file])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('unknown format "yaml"; expected one of json, ndjson, text, maps, c, kselftest')
    const misaligned = runCli(['--format', 'text', '--base', '0x1234', file])
    expect(misaligned.status).toBe(2)
    expect(misaligned.stderr).toContain('--base: the base address must be a multiple of the page size (0x1000)')
  })
})

describe('simulate --format c / kselftest', () => {
  it('prints the C reproducer for the chosen profile, the same text the explorer exports', () => {
    const file = writeScenario('format-c.json', scenario)
    const run = runCli(['--format', 'c', '--kernel', '6.16', file])
    expect(run.status).toBe(0)
    const loaded = loadScenario(JSON.stringify(scenario))
    if (!loaded.ok) throw new Error(loaded.text)
    expect(run.stdout).toBe(cProgram(loaded.scenario, simulate(loaded.scenario, '6.16')))
    expect(run.stdout).toContain(' * Kernel profile: 6.16.')
    const ks = runCli(['--format', 'kselftest', file])
    expect(ks.status).toBe(0)
    expect(ks.stdout).toContain('TEST_F(merge, vmascope_pr_set_memory_merge_and_two_adjacent_anonymous_m)')
  })

  it('refuses an unknown format, and --compact with c', () => {
    const file = writeScenario('format-bad.json', scenario)
    const bad = runCli(['--format', 'pdf', file])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('unknown format "pdf"; expected one of json, ndjson, text, maps, c, kselftest')
    expect(runCli(['--format', 'c', '--compact', file]).status).toBe(2)
  })
})
