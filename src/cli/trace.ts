/**
 * `npm run --silent trace -- [--merge-any] [--output FILE] -- COMMAND [ARGS...]`
 *
 * Runs COMMAND under tools/tracer (ptrace; built with gcc on first use) and
 * writes the `vma-trace/1` document (docs/trace-format.md): every address
 * space the program made, its VMAs at execve, and every call that can change
 * them, with the real VMAs after each. The program's own stdin, stdout and
 * stderr are left as they are.
 *
 * Exit status: 0 written (whatever the program's own status, which the trace
 * records); 2 bad usage, a command that cannot run, or a cut-short trace;
 * 1 anything else.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { assembleTrace } from '../trace/assemble'

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const TRACER_SOURCE = join(REPO_ROOT, 'tools', 'tracer', 'tracer.c')
export const TRACER_BINARY = join(REPO_ROOT, 'tools', 'tracer', 'build', 'tracer')

const USAGE = `Usage: npm run --silent trace -- [--merge-any] [--output FILE] -- COMMAND [ARGS...]

Runs COMMAND under ptrace and writes a vma-trace/1 document (docs/trace-format.md).
  --merge-any     prctl(PR_SET_MEMORY_MERGE, 1) in the child before execve
  --output FILE   where to write the trace (default: trace-COMMAND.json here)`

const modifiedAt = (path: string): number | null => {
  try {
    return statSync(path).mtimeMs
  } catch {
    return null
  }
}

/** Build the tracer when its binary is missing or older than tracer.c. */
export function ensureTracerBuilt(): string {
  const source = modifiedAt(TRACER_SOURCE)
  if (source === null) throw new Error(`tracer source missing: ${TRACER_SOURCE}`)
  const binary = modifiedAt(TRACER_BINARY)
  if (binary !== null && binary >= source) return TRACER_BINARY
  mkdirSync(dirname(TRACER_BINARY), { recursive: true })
  const gcc = spawnSync('gcc', ['-O2', '-Wall', '-o', TRACER_BINARY, TRACER_SOURCE], { encoding: 'utf8' })
  if (gcc.error) throw new Error(`cannot run gcc to build the tracer: ${gcc.error.message}`)
  if (gcc.status !== 0) throw new Error(`gcc failed to build the tracer:\n${gcc.stderr}`)
  return TRACER_BINARY
}

export interface TraceRun { ok: true; document: string; calls: number; spaces: number; exitCode: number | null }
export type TraceFailure = { ok: false; message: string }

/** Trace a command; the document is returned as JSON text. */
export function runTracer(command: string[], options: { mergeAny?: boolean; stdio?: 'inherit' | 'ignore' } = {}): Promise<TraceRun | TraceFailure> {
  const binary = ensureTracerBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'vmascope-trace-'))
  const events = join(dir, 'events.ndjson')
  const args = [...(options.mergeAny ? ['--merge-any'] : []), '--output', events, '--', ...command]
  return new Promise((resolve) => {
    const stderr: Buffer[] = []
    const stdio = options.stdio ?? 'inherit'
    const child = spawn(binary, args, { stdio: [stdio === 'inherit' ? 'inherit' : 'ignore', stdio === 'inherit' ? 'inherit' : 'ignore', 'pipe'] })
    child.stderr!.on('data', (b: Buffer) => {
      stderr.push(b)
      if (stdio === 'inherit') process.stderr.write(b)
    })
    child.on('error', (e) => resolve({ ok: false, message: `cannot run the tracer: ${e.message}` }))
    child.on('close', (code) => {
      try {
        const tracerSaid = Buffer.concat(stderr).toString('utf8').split('\n').filter((l) => l.startsWith('tracer: ')).pop()
        if (code === 2 && tracerSaid) return resolve({ ok: false, message: tracerSaid.replace(/^tracer: /, '') })
        let text: string
        try {
          text = readFileSync(events, 'utf8')
        } catch {
          return resolve({ ok: false, message: `the tracer wrote no trace (exit status ${code})` })
        }
        const assembled = assembleTrace(text)
        if (!assembled.ok) return resolve({ ok: false, message: assembled.message })
        const t = assembled.trace
        resolve({ ok: true, document: JSON.stringify(t), calls: t.calls, spaces: t.spaces.length, exitCode: t.exitCode })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}

async function main(argv: string[]): Promise<number> {
  let mergeAny = false
  let output: string | null = null
  let i = 0
  for (; i < argv.length; i++) {
    const a = argv[i]!
    if (a === '--merge-any') mergeAny = true
    else if (a === '--output') {
      output = argv[++i] ?? null
      if (output === null) return usage('--output needs a file name')
    } else if (a === '--help') {
      process.stdout.write(`${USAGE}\n`)
      return 0
    } else if (a === '--') {
      i++
      break
    } else if (a.startsWith('-')) return usage(`unknown option ${a}`)
    else break
  }
  const command = argv.slice(i)
  if (command.length === 0) return usage('no command to trace')
  if (process.platform !== 'linux') {
    process.stderr.write(`trace: ptrace tracing needs Linux (this is ${process.platform})\n`)
    return 2
  }
  const result = await runTracer(command, { mergeAny })
  if (!result.ok) {
    process.stderr.write(`trace: ${result.message}\n`)
    return 2
  }
  const file = output ?? `trace-${basename(command[0]!).replace(/[^A-Za-z0-9._-]/g, '_')}.json`
  writeFileSync(file, `${result.document}\n`)
  process.stderr.write(`trace: wrote ${file}: ${result.calls.toLocaleString('en-US')} calls in ${result.spaces} address space(s); the program exited with ${result.exitCode}\n`)
  return 0
}

function usage(problem: string): number {
  process.stderr.write(`trace: ${problem}\n${USAGE}\n`)
  return 2
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code },
    (error: unknown) => {
      process.stderr.write(`trace: ${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    },
  )
}
