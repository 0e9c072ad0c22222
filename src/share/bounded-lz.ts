/**
 * lz-string's `decompressFromEncodedURIComponent`, rewritten to stop early.
 *
 * Why not call lz-string directly: its decoder is an LZW variant whose
 * dictionary entries grow by one character per code, so n input characters
 * can expand to O(n²) output. A 100 kB link could ask for hundreds of
 * megabytes (a decompression bomb). This port of `LZString._decompress`
 * (lz-string 1.5.0, MIT) keeps a running count of the output and gives up
 * as soon as it passes `maxChars`. It also reports what went wrong instead of
 * returning "" or null: a character outside the link alphabet, a stream cut
 * short, or a code that refers to nothing.
 *
 * Compression still uses lz-string itself (`compressToEncodedURIComponent`);
 * the tests check that this decoder returns exactly what lz-string returns.
 */

/** The 65 characters of lz-string's URI-safe alphabet, in value order. */
export const LINK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$'

export type BoundedDecompressResult =
  | { ok: true; text: string }
  | { ok: false; reason: 'bad-character'; index: number; character: string }
  | { ok: false; reason: 'truncated' | 'corrupt' | 'empty' }
  | { ok: false; reason: 'too-large'; limit: number }

const CHAR_VALUE: ReadonlyMap<string, number> = new Map([...LINK_ALPHABET].map((ch, i) => [ch, i]))

/** Bits per alphabet character (lz-string's resetValue 32 = 6 bits). */
const RESET_VALUE = 32

export function decompressLinkPayload(input: string, maxChars: number): BoundedDecompressResult {
  // lz-string turns spaces back into '+', which some mail clients rewrite.
  const payload = input.replace(/ /g, '+')
  if (payload === '') return { ok: false, reason: 'empty' }
  const values = new Uint8Array(payload.length)
  for (let i = 0; i < payload.length; i++) {
    const value = CHAR_VALUE.get(payload[i]!)
    if (value === undefined) return { ok: false, reason: 'bad-character', index: i, character: payload[i]! }
    values[i] = value
  }

  // Past the end of the input lz-string reads zero bits; the check at the top
  // of the main loop then reports the stream as cut short. Same here.
  let index = 1
  let position = RESET_VALUE
  let current = values[0]!
  const readBits = (count: number): number => {
    let bits = 0
    for (let power = 0; power < count; power++) {
      const bit = current & position
      position >>= 1
      if (position === 0) {
        position = RESET_VALUE
        current = index < values.length ? values[index]! : 0
        index++
      }
      if (bit) bits |= 1 << power
    }
    return bits
  }

  const dictionary: string[] = []
  let dictSize = 4
  let numBits = 3
  let enlargeIn = 4
  const parts: string[] = []
  let produced = 0

  const first = readBits(2)
  let w: string
  if (first === 0 || first === 1) {
    w = String.fromCharCode(readBits(first === 0 ? 8 : 16))
  } else if (first === 2) {
    return { ok: true, text: '' }
  } else {
    return { ok: false, reason: 'corrupt' }
  }
  dictionary[3] = w
  parts.push(w)
  produced = 1

  for (;;) {
    // lz-string gives up ("") once it has read past the input: a cut-off link.
    if (index > values.length) return { ok: false, reason: 'truncated' }
    let code = readBits(numBits)
    if (code === 0 || code === 1) {
      dictionary[dictSize++] = String.fromCharCode(readBits(code === 0 ? 8 : 16))
      code = dictSize - 1
      enlargeIn--
    } else if (code === 2) {
      return { ok: true, text: parts.join('') }
    }
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits
      numBits++
    }

    let entry: string
    const known = dictionary[code]
    if (known) entry = known
    else if (code === dictSize) entry = w + w.charAt(0)
    else return { ok: false, reason: 'corrupt' }

    produced += entry.length
    if (produced > maxChars) return { ok: false, reason: 'too-large', limit: maxChars }
    parts.push(entry)
    dictionary[dictSize++] = w + entry.charAt(0)
    enlargeIn--
    w = entry
    if (enlargeIn === 0) {
      enlargeIn = 2 ** numBits
      numBits++
    }
  }
}
