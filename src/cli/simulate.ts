/**
 * The command-line runner: loads a scenario, runs it through the simulated
 * kernel and prints the runner document (docs/scenario-format.md, "What the
 * runner prints") on stdout, step by step (never the whole document in memory).
 *
 *   npm run --silent simulate -- [--kernel 6.18] [--format F] [--steps A..B | --final] FILE.json
 *   npm run --silent simulate -- --kernel 6.16 - < FILE.json
 *   npm run --silent simulate -- --format c --kernel 6.16 FILE.json > reproducer.c
 *
 * Exit status: 0 printed; 2 bad usage or invalid input (one line on stderr);
 * 1 the engine failed (one line naming the step; a vmascope defect).
 */
import { parseArgs } from 'node:util'
import { DEFAULT_KERNEL, KERNEL_IDS, type KernelId, type Trace } from '../engine/api'
import { Simulation, simulate } from '../engine/simulate'
import { loadScenario } from '../scenario/load'
import { parseBaseAddress } from '../store/base-address'
import { FORMAT_NAMES, FORMATS, isFormatName, type FormatName } from './formats'
import { InputError, readInputText } from './read-input'
import { engineDefect, Progress, parseStepRange, writeSteps, type StepSelection } from './run-steps'
import { OutputClosed } from './output'

/** The explorer's default base address: page 0 of the window at 0x7f0000000000. */
const DEFAULT_TEXT_BASE = '0x7f0000000000'

const USAGE = `Usage: npm run --silent simulate -- [options] FILE.json
       npm run --silent simulate -- [options] - < FILE.json

Runs a vma-scenario/3 scenario, or an older one (docs/scenario-format.md), through the simulated
kernel and prints the address space after every step, written step by step.

Options:
  --kernel ID       kernel profile: ${KERNEL_IDS.join(', ')} (default ${DEFAULT_KERNEL})
  --format NAME     output format (default json):
${FORMAT_NAMES.map((name) => `                      ${name.padEnd(8)} ${FORMATS[name].description}`).join('\n')}
  --compact         json: one line per step instead of indented JSON
  --base ADDR       text and maps: byte address of page 0 of the window, hex
                    (default the scenario's initial.base, else ${DEFAULT_TEXT_BASE})
  --steps FROM..TO  json, ndjson: print only steps FROM to TO (1-based, inclusive;
                    "N" is one step, "FROM.." runs to the end)
  --final           json, ndjson: print only the last step
  --help            show this text

Input is read up to 64 MiB (a larger file, a device or an endless pipe is refused).
A progress line goes to stderr when stderr is a terminal.

Exit status: 0 printed; 2 bad usage or invalid scenario (one line on stderr);
1 the simulation itself failed (a vmascope defect: the line names the step and
the file with the scenario to attach to a report).`

const EXIT_USAGE = 2


class UsageError extends Error {}

interface Options {
  kernel: KernelId
  compact: boolean
  format: FormatName
  steps: StepSelection
  /** --base as typed, or undefined for the scenario's own base. */
  base: string | undefined
  source: string
}

function parseOptions(argv: string[]): Options | 'help' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        kernel: { type: 'string' },
        compact: { type: 'boolean' },
        format: { type: 'string' },
        steps: { type: 'string' },
        final: { type: 'boolean' },
        base: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  if (values.help) return 'help'
  const kernel = values.kernel ?? DEFAULT_KERNEL
  if (!isKernelId(kernel)) {
    throw new UsageError(`unknown kernel "${kernel}"; expected one of ${KERNEL_IDS.join(', ')}`)
  }
  const format = values.format ?? 'json'
  if (!isFormatName(format)) throw new UsageError(`unknown format "${format}"; expected one of ${FORMAT_NAMES.join(', ')}`)
  if (values.compact && format !== 'json') throw new UsageError(`--compact is for --format json; ${format} has one layout`)
  if (values.final && values.steps !== undefined) throw new UsageError('give --steps or --final, not both')
  if ((values.final || values.steps !== undefined) && FORMATS[format].wholeRun) throw new UsageError(`--steps and --final are for json and ndjson; ${format} is made from the whole run`)
  if (values.base !== undefined) {
    const parsed = parseBaseAddress(values.base)
    if (!parsed.ok) throw new UsageError(`--base: ${parsed.message}`)
  }
  let steps: StepSelection = { kind: 'all' }
  if (values.final) steps = { kind: 'final' }
  else if (values.steps !== undefined) {
    const range = parseStepRange(values.steps)
    if (typeof range === 'string') throw new UsageError(`--steps: ${range}`)
    steps = range
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'no scenario file given (use - for stdin)' : `expected one scenario file, got ${positionals.length}`)
  }
  return { kernel, compact: values.compact ?? false, format, steps, base: values.base, source: positionals[0]! }
}

function isKernelId(value: string): value is KernelId {
  return (KERNEL_IDS as readonly string[]).includes(value)
}

function main(argv: string[]): number {
  let options: Options | 'help'
  let text: string
  try {
    options = parseOptions(argv)
    if (options === 'help') {
      process.stdout.write(`${USAGE}\n`)
      return 0
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`simulate: ${error.message}\n\n${USAGE}\n`)
    return EXIT_USAGE
  }
  try {
    text = readInputText(options.source)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    process.stderr.write(`simulate: ${error.message}\n`)
    return EXIT_USAGE
  }

  const loaded = loadScenario(text)
  text = '' // the scenario object is all that is needed from here on
  if (!loaded.ok) {
    process.stderr.write(`${loaded.text}\n`)
    return EXIT_USAGE
  }
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`)
  const scenario = loaded.scenario
  const baseText = options.base ?? scenario.initial?.base ?? DEFAULT_TEXT_BASE
  const base = parseBaseAddress(baseText)
  if (!base.ok) {
    process.stderr.write(`simulate: base address ${baseText}: ${base.message}\n`)
    return EXIT_USAGE
  }

  const progress = new Progress('simulate', process.stderr)
  const format = FORMATS[options.format]
  // json and ndjson are written as the run goes, from a run that keeps only the current address space;
  // a whole-run format is made from the trace.
  let source: { run: Simulation } | { trace: Trace }
  try {
    if (!format.wholeRun) source = { run: new Simulation(scenario, options.kernel, { history: false }) }
    else source = { trace: simulate(scenario, options.kernel, { onProgress: (done, total) => progress.show(`step ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`, done / total) }) }
  } catch (error) {
    progress.clear()
    process.stderr.write(`${engineDefect('simulate', scenario, options.kernel, error)}\n`)
    return 1
  }
  progress.clear()
  try {
    const failure = writeSteps({ ...source, kernel: options.kernel, scenario, format, compact: options.compact, base: base.value, selection: options.steps, progress })
    if (failure) {
      process.stderr.write(`${failure.message}\n`)
      return failure.exitCode
    }
  } catch (error) {
    if (error instanceof OutputClosed) return 0
    throw error
  }
  return 0
}

process.exitCode = main(process.argv.slice(2))
