/**
 * The command-line runner: loads a scenario, runs it through the simulated
 * kernel and prints the runner document (docs/scenario-format.md, "What the
 * runner prints") on stdout.
 *
 *   npm run --silent simulate -- [--kernel 6.18] [--format json|text|maps] [--compact] FILE.json
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
import type { Trace } from '../engine/api'
import { mapsText, scenarioText } from '../export/text'
import { parseBaseAddress } from '../store/base-address'
import { loadScenario } from '../scenario/load'
import { cProgram } from '../reproducer/c-program'
import { kselftest } from '../reproducer/kselftest'
import { MAX_JSON_BYTES } from '../scenario/json-text'

const usage = (): string => `Usage: npm run --silent simulate -- [options] FILE.json
       npm run --silent simulate -- [options] - < FILE.json

Runs a vma-scenario/1 scenario (docs/scenario-format.md) through the simulated
kernel and prints the address space after every step.

Options:
  --kernel ID     kernel profile: ${KERNEL_IDS.join(', ')} (default ${DEFAULT_KERNEL})
  --format NAME   what to print (default json):
${Object.entries(FORMATS).map(([name, f]) => `                    ${name.padEnd(10)}${f.help}`).join('\n')}
  --base ADDR     text and maps: byte address of page 0 of the window, hex
                  (default the scenario's initial.base, else ${DEFAULT_TEXT_BASE})
  --compact       json: one line per step instead of indented JSON
  --help          show this text

Exit status: 0 printed; 2 bad usage or invalid scenario (path: message on stderr);
1 the simulation itself failed.`

const EXIT_USAGE = 2

/** The explorer's default base address: page 0 of the window at 0x7f0000000000. */
const DEFAULT_TEXT_BASE = '0x7f0000000000'

interface FormatContext {
  compact: boolean
  base: bigint
}

/** The output formats of --format: each turns a trace into what is printed. */
const FORMATS = {
  json: {
    help: 'the runner document (docs/scenario-format.md)',
    print: (trace: Trace, c: FormatContext) => {
      const document = traceToRunnerJson(trace)
      return `${c.compact ? compactJson(document) : JSON.stringify(document, null, 2)}\n`
    },
  },
  text: {
    help: 'plain text for a mailing list: each call, strip, checks, maps',
    print: (trace: Trace, c: FormatContext) => scenarioText(trace, { base: c.base }),
  },
  maps: {
    help: 'only the /proc/PID/maps lines after each step',
    print: (trace: Trace, c: FormatContext) => mapsText(trace, { base: c.base }),
  },
  c: {
    help: 'a C program: the calls made for real, each step checked (TAP)',
    print: (trace: Trace) => cProgram(trace.scenario, trace),
  },
  kselftest: {
    help: 'the same checks as a TEST_F for selftests/mm/merge.c',
    print: (trace: Trace) => kselftest(trace.scenario, trace),
  },
} satisfies Record<string, { help: string; print(trace: Trace, c: FormatContext): string }>

type FormatName = keyof typeof FORMATS

function isFormatName(value: string): value is FormatName {
  return Object.hasOwn(FORMATS, value)
}

class UsageError extends Error {}

interface Options {
  kernel: KernelId
  format: FormatName
  compact: boolean
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
  if (!isFormatName(format)) {
    throw new UsageError(`unknown format "${format}"; expected one of ${Object.keys(FORMATS).join(', ')}`)
  }
  if (values.compact && format !== 'json') throw new UsageError(`--compact is for --format json`)
  if (values.base !== undefined) {
    const parsed = parseBaseAddress(values.base)
    if (!parsed.ok) throw new UsageError(`--base: ${parsed.message}`)
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'no scenario file given (use - for stdin)' : `expected one scenario file, got ${positionals.length}`)
  }
  return { kernel, format, compact: values.compact ?? false, base: values.base, source: positionals[0]! }
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
      process.stdout.write(`${usage()}\n`)
      return 0
    }
    text = readScenarioText(options.source)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`simulate: ${error.message}\n\n${usage()}\n`)
    return EXIT_USAGE
  }

  const loaded = loadScenario(text)
  if (!loaded.ok) {
    process.stderr.write(`${loaded.text}\n`)
    return EXIT_USAGE
  }
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`)

  const baseText = options.base ?? loaded.scenario.initial?.base ?? DEFAULT_TEXT_BASE
  const base = parseBaseAddress(baseText)
  if (!base.ok) {
    process.stderr.write(`simulate: base address ${baseText}: ${base.message}\n`)
    return EXIT_USAGE
  }
  let output: string
  try {
    output = FORMATS[options.format].print(simulate(loaded.scenario, options.kernel), { compact: options.compact, base: base.value })
  } catch (error) {
    if (error instanceof RangeError && options.format === 'text') {
      process.stderr.write(`simulate: ${error.message}\n`)
      return EXIT_USAGE
    }
    process.stderr.write(`simulate: the simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 1
  }
  process.stdout.write(output)
  return 0
}

process.exitCode = main(process.argv.slice(2))
