/**
 * Reading a command's input (a path, or `-` for standard input) with its size
 * cap enforced while reading: a device (/dev/zero), a FIFO or a pipe of
 * endless data stops at the cap instead of filling memory, since their size
 * on disk says nothing. A directory, a missing file or a read error is one
 * line naming the input and what is wrong.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import { MAX_JSON_BYTES } from '../scenario/json-text'

/** Something wrong with the input itself; the message is one line. */
export class InputError extends Error {}

const CHUNK = 1 << 16

const MIB = 1024 * 1024

/** What an errno from open/read means, in words, with the errno the system gave. */
function describeErrno(code: string | undefined): string {
  const words = errnoWords(code)
  return code ? `${words} (${code})` : words
}

function errnoWords(code: string | undefined): string {
  switch (code) {
    case 'ENOENT': return 'no such file'
    case 'EACCES': case 'EPERM': return 'permission denied'
    case 'EISDIR': return 'is a directory, not a scenario file'
    case 'ENOTDIR': return 'a part of the path is not a directory'
    case 'ELOOP': return 'too many symbolic links'
    case 'ENAMETOOLONG': return 'the path is too long'
    case 'EMFILE': case 'ENFILE': return 'too many open files'
    case 'ENXIO': return 'no device or reader behind it'
    case 'EIO': return 'input/output error'
    default: return 'cannot be read'
  }
}

/**
 * The whole text of `source` ('-' is standard input), refusing it with an
 * InputError as soon as more than `capBytes` have been read.
 */
export function readInputText(source: string, capBytes: number = MAX_JSON_BYTES): string {
  const name = source === '-' ? 'stdin' : source
  let fd: number
  if (source === '-') fd = 0
  else {
    try {
      fd = openSync(source, 'r')
    } catch (error) {
      throw new InputError(`${name}: ${describeErrno((error as NodeJS.ErrnoException).code)}`)
    }
  }
  try {
    try {
      if (fstatSync(fd).isDirectory()) throw new InputError(`${name}: is a directory, not a scenario file`)
    } catch (error) {
      if (error instanceof InputError) throw error
      // fstat of a closed or odd stdin: reading says what is wrong
    }
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      // Never more than the cap plus one byte: that byte is enough to know the input is too big.
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, capBytes + 1 - total))
      let read: number
      try {
        read = readRetrying(fd, buffer)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code === 'EOF') break
        throw new InputError(`${name}: ${describeErrno(code)}`)
      }
      if (read === 0) break
      total += read
      if (total > capBytes) {
        throw new InputError(`${name}: more than ${capBytes >= MIB ? `${capBytes / MIB} MiB` : `${capBytes} bytes`}; no scenario is that big (read stopped there)`)
      }
      chunks.push(read === buffer.length ? buffer : buffer.subarray(0, read))
    }
    return Buffer.concat(chunks, total).toString('utf8')
  } finally {
    if (fd !== 0) closeSync(fd)
  }
}

/** readSync, retrying while a non-blocking descriptor (a terminal, a pipe) has no data yet. */
function readRetrying(fd: number, buffer: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buffer, 0, buffer.length, null)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
    }
  }
}
