/**
 * The output formats of `simulate --format NAME` (and of `record`): one entry
 * per format. A format gets the run's head (the kernel, the trace, the
 * scenario), then each chosen step's runner object in order (one at a time:
 * nothing else is kept), then the end. To add a format, add an entry here;
 * `--help`, `--format` checking and the README table read this list.
 */
import type { Trace } from '../engine/api'
import type { RunnerStep } from '../engine/report'
import type { RunnerStep as RecordedStep } from '../fidelity/runner-document'
import type { Scenario } from '../scenario/types'
import { writeJson, type Output } from './output'

export interface RunHead {
  /** What the document's `kernel` says: a profile, or "real:RELEASE" for a recording. */
  kernel: string
  /** The simulated run (absent for a recording). */
  trace?: Trace
  scenario: Scenario
  /** The steps that will be written (1-based, ascending), and how many the run has. */
  first: number
  last: number
  stepCount: number
  /** --compact */
  compact: boolean
}

/** A step of the engine's document, or of a recording (which has less to say); formats print what is there. */
export type AnyRunnerStep = RunnerStep | RecordedStep

export interface OutputFormat {
  /** One line for --help. */
  description: string
  begin(out: Output, head: RunHead): void
  step(out: Output, step: AnyRunnerStep, n: number, head: RunHead): void
  end(out: Output, head: RunHead): void
}

/** The document head without `steps`, as JSON.stringify writes it: `{"kernel":"6.18"` (no closing brace). */
const headOpen = (head: RunHead): string => JSON.stringify({ kernel: head.kernel }).slice(0, -1)

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
    else out.write(`{\n  "kernel": ${JSON.stringify(head.kernel)},\n  "steps": [`)
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

export const FORMATS = { json, ndjson } satisfies Record<string, OutputFormat>

export type FormatName = keyof typeof FORMATS

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[]

export function isFormatName(value: string): value is FormatName {
  return Object.hasOwn(FORMATS, value)
}
