/**
 * The output formats of `simulate --format NAME` (and of `record`): one entry
 * per format. A step format gets the run's head (the kernel, the trace, the
 * scenario), then each chosen step's runner object in order (one at a time:
 * nothing else is kept), then the end. A whole-run format (`wholeRun`) writes
 * everything from the trace in `begin`. To add a format, add an entry here;
 * `--help`, `--format` checking and the README table read this list.
 */
import type { Trace } from '../engine/api'
import type { RunnerStep } from '../engine/report'
import { mapsText, scenarioText } from '../export/text'
import type { RunnerStep as RecordedStep } from '../fidelity/runner-document'
import { cProgram } from '../reproducer/c-program'
import { kselftest } from '../reproducer/kselftest'
import { ReproducerTooLarge } from '../reproducer/step-plan'
import type { Scenario } from '../scenario/types'
import { writeJson, type Output } from './output'

export interface RunHead {
  /** What the document's `kernel` says: a profile, or "real:RELEASE" for a recording. */
  kernel: string
  /** The simulated run (absent for a recording). */
  trace?: Trace
  /** The window base and machine properties the run assumed (the document's `machine`), when known. */
  machine?: unknown
  scenario: Scenario
  /** The steps that will be written (1-based, ascending), and how many the run has. */
  first: number
  last: number
  stepCount: number
  /** --compact */
  compact: boolean
  /** --base (text and maps): byte address of page 0 of the window. */
  base: bigint
}

/** A step of the engine's document, or of a recording (which has less to say); formats print what is there. */
export type AnyRunnerStep = RunnerStep | RecordedStep

export interface OutputFormat {
  /** One line for --help. */
  description: string
  /**
   * Made from the whole simulated run in `begin` (no `step` calls): --steps and
   * --final do not apply, and `record` (which has no simulated trace) cannot print it.
   */
  wholeRun?: true
  begin(out: Output, head: RunHead): void
  step(out: Output, step: AnyRunnerStep, n: number, head: RunHead): void
  end(out: Output, head: RunHead): void
}

/** The document head without `steps`, as JSON.stringify writes it: `{"kernel":"6.18"` (no closing brace). */
const headOpen = (head: RunHead): string => JSON.stringify({ kernel: head.kernel, machine: head.machine }).slice(0, -1)

const emptySelection = (head: RunHead): boolean => head.first > head.last

/**
 * The runner document of docs/scenario-format.md, byte for byte what
 * `JSON.stringify(document, null, 2)` gives (or, with --compact, one line per
 * step), written step by step.
 */
const json: OutputFormat = {
  description: 'one JSON document {"kernel","steps":[…]} (the default); --compact puts each step on one line',
  begin(out, head) {
    if (head.compact) out.write(`${headOpen(head)},"steps":[\n`)
    else {
      const machine = head.machine === undefined ? '' : `\n  "machine": ${JSON.stringify(head.machine, null, 2).split('\n').join('\n  ')},`
      out.write(`{\n  "kernel": ${JSON.stringify(head.kernel)},${machine}\n  "steps": [`)
    }
    if (!head.compact && emptySelection(head)) out.write(']')
  },
  step(out, step, n, head) {
    if (head.compact) {
      if (n > 0) out.write(',\n')
      writeJson(out, step, '')
    } else {
      out.write(n > 0 ? ',\n    ' : '\n    ')
      writeJson(out, step, '  ', 2)
    }
  },
  end(out, head) {
    if (head.compact) out.write('\n]}\n')
    else out.write(emptySelection(head) ? '\n}\n' : '\n  ]\n}\n')
  },
}

/** One JSON value per line: the head `{"kernel":…}`, then each step's object (the document's `steps[i]`). */
const ndjson: OutputFormat = {
  description: 'one JSON object per line: {"kernel":…} first, then each step as in the document',
  begin(out, head) {
    out.write(`${headOpen(head)}}\n`)
  },
  step(out, step) {
    writeJson(out, step, '')
    out.write('\n')
  },
  end() {},
}

/** The format refuses this run (too long for it, say); one line for the user, exit status 2. */
export class FormatRefusal extends Error {}

/** A whole-run format: `print` turns the simulated trace into the text written. */
function wholeRun(description: string, print: (trace: Trace, head: RunHead) => string): OutputFormat {
  return {
    description,
    wholeRun: true,
    begin(out, head) {
      if (!head.trace) throw new FormatRefusal('this format is made from a simulated run')
      let text: string
      try {
        text = print(head.trace, head)
      } catch (error) {
        if (error instanceof RangeError) throw new FormatRefusal(error.message) // e.g. too many steps for a mail
        if (error instanceof ReproducerTooLarge) throw new FormatRefusal(error.message) // a C file of gigabytes
        throw error
      }
      out.write(text)
    },
    step() {},
    end() {},
  }
}

export const FORMATS = {
  json,
  ndjson,
  text: wholeRun('plain text for a mailing list: each call, strip, checks, maps', (trace, head) => scenarioText(trace, { base: head.base })),
  maps: wholeRun('only the /proc/PID/maps lines after each step', (trace, head) => mapsText(trace, { base: head.base })),
  c: wholeRun('a C program: the calls made for real, each step checked (TAP)', (trace) => cProgram(trace.scenario, trace)),
  kselftest: wholeRun('the same checks as a TEST_F for selftests/mm/merge.c', (trace) => kselftest(trace.scenario, trace)),
} satisfies Record<string, OutputFormat>

export type FormatName = keyof typeof FORMATS

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[]

export function isFormatName(value: string): value is FormatName {
  return Object.hasOwn(FORMATS, value)
}
