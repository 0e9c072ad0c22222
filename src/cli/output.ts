/**
 * Writing a command's output step by step, never as one string: the runner
 * document of a long run is gigabytes, more than memory and more than V8's
 * longest string. `Output` buffers up to 256 KiB and writes synchronously, so
 * memory stays flat whatever the reader's speed; `writeJson` prints a value
 * exactly as `JSON.stringify(value, null, gap)` would, but in pieces, with
 * long arrays (a step's VMAs) written element by element.
 */
import { writeSync } from 'node:fs'

const FLUSH_AT = 1 << 18

/** The reader went away (`| head`): stop writing, quietly. */
export class OutputClosed extends Error {}

export class Output {
  private parts: string[] = []
  private size = 0
  /** Bytes handed to the descriptor so far. */
  written = 0

  constructor(private readonly fd = 1) {}

  write(text: string): void {
    this.parts.push(text)
    this.size += text.length
    if (this.size >= FLUSH_AT) this.flush()
  }

  flush(): void {
    if (this.size === 0) return
    const buffer = Buffer.from(this.parts.join(''), 'utf8')
    this.parts = []
    this.size = 0
    let offset = 0
    while (offset < buffer.length) {
      try {
        offset += writeSync(this.fd, buffer, offset, buffer.length - offset)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5) // a non-blocking pipe is full
          continue
        }
        if (code === 'EPIPE') throw new OutputClosed('the reader closed the output')
        throw error
      }
    }
    this.written += buffer.length
  }
}

/** Arrays longer than this are written element by element; shorter values in one JSON.stringify. */
const STREAM_ARRAYS_LONGER_THAN = 32

/** Whether `value` holds (directly) an array long enough to write in pieces. */
function holdsLongArray(value: object): boolean {
  if (Array.isArray(value)) return value.length > STREAM_ARRAYS_LONGER_THAN
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key]
    if (Array.isArray(v) && v.length > STREAM_ARRAYS_LONGER_THAN) return true
  }
  return false
}

/**
 * Write `value` as JSON.stringify(value, null, gap) does, its first line at
 * `depth` levels of indentation already written by the caller. Plain data
 * only (no toJSON, no cycles): what the runner prints.
 */
export function writeJson(out: Output, value: unknown, gap: string, depth = 0): void {
  if (value === null || typeof value !== 'object' || !holdsLongArray(value)) {
    const text = JSON.stringify(value, null, gap)
    out.write(gap && depth > 0 && text.includes('\n') ? text.replaceAll('\n', `\n${gap.repeat(depth)}`) : text)
    return
  }
  const inner = gap ? `\n${gap.repeat(depth + 1)}` : ''
  const close = gap ? `\n${gap.repeat(depth)}` : ''
  if (Array.isArray(value)) {
    out.write('[')
    for (let i = 0; i < value.length; i++) {
      out.write(i === 0 ? inner : `,${inner}`)
      const element: unknown = value[i]
      writeJson(out, element === undefined || typeof element === 'function' ? null : element, gap, depth + 1)
    }
    out.write(`${close}]`)
    return
  }
  let first = true
  out.write('{')
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key]
    if (v === undefined || typeof v === 'function') continue
    out.write(`${first ? '' : ','}${inner}${JSON.stringify(key)}:${gap ? ' ' : ''}`)
    first = false
    writeJson(out, v, gap, depth + 1)
  }
  out.write(first ? '}' : `${close}}`)
}
