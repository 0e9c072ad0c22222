/**
 * The command-line runner: loads a scenario, runs it through the simulated
 * kernel and prints the runner document (docs/scenario-format.md, "What the
 * runner prints") on stdout.
 *
 *   npm run --silent simulate -- [--kernel 6.18] [--compact] FILE.json
 *   npm run --silent simulate -- --kernel 6.16 - < FILE.json
 *   npm run --silent simulate -- --format c --kernel 6.16 FILE.json > reproducer.c
 *
 * Exit status: 0 printed; 2 bad usage or invalid scenario (the loader's
 * `path: message` on stderr); 1 the engine failed.
 */
import { readFileSync, readSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DEFAULT_KERNEL, KERNEL_IDS, type KernelId } from '../engine/api'
import { simulate } from '../engine/simulate'
import { traceToRunnerJson } from '../engine/report'
import { loadScenario } from '../scenario/load'
import { cProgram } from '../reproducer/c-program'
import { kselftest } from '../reproducer/kselftest'
import { ReproducerTooLarge } from '../reproducer/step-plan'
import { MAX_JSON_BYTES } from '../scenario/json-text'

const USAGE = `Usage: npm run --silent simulate -- [options] FILE.json
       npm run --silent simulate -- [options] - < FILE.json

Runs a vma-scenario/1 scenario (docs/scenario-format.md) through the simulated
kernel and prints the address space after every step as one JSON document.

Options:
  --kernel ID   kernel profile: ${KERNEL_IDS.join(', ')} (default ${DEFAULT_KERNEL})
  --compact     one line per step instead of indented JSON
  --format F    json (default): the runner document;
                c: a C program that makes the calls for real and checks each
                step against the profile (TAP; gcc -Wall -Wextra -Werror);
                kselftest: the same checks as a TEST_F for selftests/mm/merge.c
  --help        show this text

Exit status: 0 printed; 2 bad usage or invalid scenario (path: message on stderr);
1 the simulation itself failed.`

const EXIT_USAGE = 2

class UsageError extends Error {}

const FORMATS = ['json', 'c', 'kselftest'] as const
type Format = (typeof FORMATS)[number]

interface Options {
  kernel: KernelId
  format: Format
  compact: boolean
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
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`unknown format "${format}"; expected one of ${FORMATS.join(', ')}`)
  if (values.compact && format !== 'json') throw new UsageError(`--compact is for --format json`)
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'no scenario file given (use - for stdin)' : `expected one scenario file, got ${positionals.length}`)
  }
  return { kernel, format: format as Format, compact: values.compact ?? false, source: positionals[0]! }
}

function isKernelId(value: string): value is KernelId {
  return (KERNEL_IDS as readonly string[]).includes(value)
}

/** Reads the scenario text, refusing anything over the loader's 64 MiB limit before reading it all. */
function readScenarioText(source: string): string {
  if (source === '-') {
    const chunks: Buffer[] = []
    let total = 0
    const buffer = Buffer.alloc(1 << 16)
    for (;;) {
      let read: number
      try {
        read = readSyncRetrying(buffer)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EOF') break
        throw error
      }
      if (read === 0) break
      total += read
      if (total > MAX_JSON_BYTES) throw new UsageError(`stdin: more than 64 MiB; no scenario is that big`)
      chunks.push(Buffer.from(buffer.subarray(0, read)))
    }
    return Buffer.concat(chunks).toString('utf8')
  }
  let size: number
  try {
    size = statSync(source).size
  } catch (error) {
    throw new UsageError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
  if (size > MAX_JSON_BYTES) throw new UsageError(`${source}: ${size} bytes is more than 64 MiB; no scenario is that big`)
  return readFileSync(source, 'utf8')
}

/** readSync on fd 0, retrying while a non-blocking stdin has no data yet. */
function readSyncRetrying(buffer: Buffer): number {
  for (;;) {
    try {
      return readSync(0, buffer)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
    }
  }
}

/** The runner document with one line per step (still valid JSON). */
function compactJson(document: { kernel: string; steps: unknown[] }): string {
  const { steps, ...head } = document
  const headText = JSON.stringify(head).slice(0, -1)
  const stepLines = steps.map((step) => JSON.stringify(step)).join(',\n')
  return `${headText}${headText.length > 1 ? ',' : ''}"steps":[\n${stepLines}\n]}`
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
    text = readScenarioText(options.source)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`simulate: ${error.message}\n\n${USAGE}\n`)
    return EXIT_USAGE
  }

  const loaded = loadScenario(text)
  if (!loaded.ok) {
    process.stderr.write(`${loaded.text}\n`)
    return EXIT_USAGE
  }
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`)

  let document
  try {
    const trace = simulate(loaded.scenario, options.kernel)
    if (options.format !== 'json') {
      try {
        process.stdout.write((options.format === 'c' ? cProgram : kselftest)(loaded.scenario, trace))
      } catch (error) {
        if (!(error instanceof ReproducerTooLarge)) throw error
        process.stderr.write(`simulate: ${error.message}\n`)
        return EXIT_USAGE
      }
      return 0
    }
    document = traceToRunnerJson(trace)
  } catch (error) {
    process.stderr.write(`simulate: the simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
  process.stdout.write(`${options.compact ? compactJson(document) : JSON.stringify(document, null, 2)}\n`)
  return 0
}

process.exitCode = main(process.argv.slice(2))
