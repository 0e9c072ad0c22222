/**
 * `npm run --silent record -- [--allow-unsupported] scenario.json` (or `-` for stdin):
 * run a scenario on this machine's real kernel and print the runner JSON
 * document, kernel = "real:<uname -r>". See src/fidelity/README.md.
 *
 * The input is read with the runner's 64 MiB cap enforced while reading, and
 * the document is written step by step through the runner's formats
 * (./formats.ts), so --format, --compact, --steps and --final work as in simulate.
 *
 * Exit status: 0 printed; 2 the input or the scenario is not valid (one line
 * naming it); 3 the machine or a step cannot be recorded (the reason is printed);
 * 1 anything else (usage, an I/O or recorder failure).
 */
import { parseArgs } from 'node:util'
import { loadScenario } from '../scenario/load'
import { recordScenarioStream } from '../fidelity/kernel-recorder'
import { FORMAT_NAMES, FORMATS, isFormatName } from './formats'
import { OutputClosed } from './output'
import { InputError, readInputText } from './read-input'
import { Progress, parseStepRange, writeSteps, type StepSelection } from './run-steps'

const USAGE = `usage: npm run --silent record -- [--allow-unsupported] [--format ${FORMAT_NAMES.filter((name) => !FORMATS[name].wholeRun).join('|')}] [--compact] [--steps FROM..TO | --final] <scenario.json | ->

Input is read up to 64 MiB; the document is written step by step, as simulate writes it.`

async function main(argv: string[]): Promise<number> {
  let values
  let positionals
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'allow-unsupported': { type: 'boolean' },
        format: { type: 'string' },
        compact: { type: 'boolean' },
        steps: { type: 'string' },
        final: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }))
  } catch (error) {
    process.stderr.write(`record: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`)
    return 1
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const format = values.format ?? 'json'
  let selection: StepSelection = values.final ? { kind: 'final' } : { kind: 'all' }
  if (values.steps !== undefined) {
    const range = parseStepRange(values.steps)
    if (typeof range === 'string') {
      process.stderr.write(`record: --steps: ${range}\n`)
      return 1
    }
    selection = range
  }
  if (positionals.length !== 1 || !isFormatName(format) || FORMATS[format].wholeRun || (values.final && values.steps !== undefined) || (values.compact && format !== 'json')) {
    process.stderr.write(`${USAGE}\n`)
    return 1
  }
  const source = positionals[0]!
  const name = source === '-' ? 'stdin' : source
  let text: string
  try {
    text = readInputText(source)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    process.stderr.write(`record: ${error.message}\n`)
    return 2
  }
  const loaded = loadScenario(text)
  text = ''
  if (!loaded.ok) {
    process.stderr.write(`${name}: ${loaded.text}\n`)
    return 2
  }
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`)
  const result = await recordScenarioStream(loaded.scenario, { allowUnsupported: values['allow-unsupported'] ?? false })
  if ('unsupported' in result) {
    process.stderr.write(`cannot record on this machine: ${result.unsupported}\n`)
    return 3
  }
  try {
    const failure = writeSteps({
      kernel: result.kernel, machine: result.machine, scenario: loaded.scenario, recorded: { count: result.stepCount, steps: result.steps }, format: FORMATS[format],
      compact: values.compact ?? false, selection, progress: new Progress('record', process.stderr),
    }, 'record')
    if (failure) {
      process.stderr.write(`${failure.message}\n`)
      return 1
    }
  } catch (error) {
    if (!(error instanceof OutputClosed)) throw error
  } finally {
    result.close()
  }
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`record: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
