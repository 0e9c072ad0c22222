/**
 * Reading a file the user gives the page (open, drop, "Open recording",
 * "Import smaps file") with a size cap enforced while reading: the file is
 * read as a stream and reading stops as soon as the cap is passed, so the
 * page never holds more than the cap plus one chunk, whatever the file claims
 * to be. The same cap holds for text pasted into the JSON editor.
 */
import { MAX_JSON_BYTES } from '../../scenario/defaults'

/** The most the page reads of any one input: the scenario format's 64 MiB. */
export const MAX_INPUT_BYTES = MAX_JSON_BYTES

const MIB = 1024 * 1024

export class InputTooLarge extends Error {
  constructor(readonly capBytes: number) {
    super(`more than ${capBytes / MIB} MiB; vmascope reads files up to ${capBytes / MIB} MiB (reading stopped there)`)
    this.name = 'InputTooLarge'
  }
}

/** The bytes of `file`, or InputTooLarge once more than `capBytes` have come in. */
export async function readBytesCapped(file: Blob, capBytes: number = MAX_INPUT_BYTES): Promise<Uint8Array> {
  if (file.size > capBytes) throw new InputTooLarge(capBytes) // a file that says so up front is not read at all
  const reader = file.stream().getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > capBytes) {
      await reader.cancel()
      throw new InputTooLarge(capBytes)
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}

/** The text of `file` (UTF-8), read as readBytesCapped reads it. */
export async function readTextCapped(file: Blob, capBytes: number = MAX_INPUT_BYTES): Promise<string> {
  return new TextDecoder('utf-8').decode(await readBytesCapped(file, capBytes))
}

/** UTF-8 length of `text`, counting no further than `stopAt`. */
function utf8Length(text: string, stopAt: number): number {
  let bytes = 0
  for (let i = 0; i < text.length && bytes <= stopAt; i++) {
    const code = text.charCodeAt(i)
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff ? (i++, 4) : 3
  }
  return bytes
}

/**
 * Whether text pasted on the page (outside a text field) passes the cap: the
 * clipboard hands it over whole, so it cannot be read in part, but it is
 * refused before anything parses it. The message, or null.
 */
export function pastedTextTooLarge(text: string, capBytes: number = MAX_INPUT_BYTES): string | null {
  if (text.length <= capBytes / 3) return null // cannot reach the cap
  return utf8Length(text, capBytes + 1) > capBytes ? `more than ${capBytes / MIB} MiB; vmascope opens up to ${capBytes / MIB} MiB (nothing was opened)` : null
}

/**
 * Whether a paste of `pasted` into `current` (replacing `selected` characters)
 * would pass the cap; the message to show if so, else null.
 */
export function pasteTooLarge(current: string, selected: number, pasted: string, capBytes: number = MAX_INPUT_BYTES): string | null {
  if (current.length - selected + pasted.length <= capBytes / 3) return null // cannot reach the cap
  const bytes = utf8Length(current, capBytes + 1) + utf8Length(pasted, capBytes + 1) - selected
  return bytes > capBytes ? `The paste was refused: the JSON would be larger than ${capBytes / MIB} MiB, more than any scenario. Nothing was changed.` : null
}
