/**
 * PNG text chunks: put the scenario inside an exported PNG, and read it back.
 *
 * A PNG is an 8-byte signature and a list of chunks (length, 4-letter type,
 * data, CRC-32 of type+data). The scenario goes into an iTXt chunk (UTF-8,
 * uncompressed) just before IEND: viewers ignore it, vmascope reads it. The
 * reader also takes tEXt (Latin-1), which other tools write. zTXt and
 * compressed iTXt are skipped (vmascope never writes them).
 *
 * Everything here works on bytes: no DOM, no canvas.
 */

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
/** The keyword of the chunk that holds the scenario JSON. */
export const SCENARIO_KEYWORD = 'vmascope-scenario'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 (ISO 3309, the one PNG uses) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
}

interface Chunk {
  type: string
  /** Offset of the chunk's length field. */
  offset: number
  data: Uint8Array
  crcOk: boolean
}

export type ChunksResult = { ok: true; chunks: Chunk[] } | { ok: false; message: string }

/** Splits a PNG into its chunks; says what is wrong with a damaged file. */
export function readPngChunks(bytes: Uint8Array): ChunksResult {
  if (!isPng(bytes)) return { ok: false, message: 'not a PNG file (its first bytes are not the PNG signature)' }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const chunks: Chunk[] = []
  let offset = PNG_SIGNATURE.length
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) return { ok: false, message: `the PNG is cut short (a chunk header at byte ${offset} is incomplete)` }
    const length = view.getUint32(offset)
    const end = offset + 12 + length
    if (end > bytes.length) return { ok: false, message: `the PNG is cut short (a chunk at byte ${offset} says ${length} bytes, the file ends first)` }
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8))
    const data = bytes.subarray(offset + 8, offset + 8 + length)
    const crcOk = crc32(bytes.subarray(offset + 4, offset + 8 + length)) === view.getUint32(offset + 8 + length)
    chunks.push({ type, offset, data, crcOk })
    offset = end
    if (type === 'IEND') break
  }
  return { ok: true, chunks }
}

/** One chunk: length, type, data, CRC-32. */
export function chunkBytes(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

/**
 * A copy of `png` with an iTXt chunk `keyword` = `text` before IEND; an
 * older chunk with the same keyword is dropped. Throws on a file that is not
 * a PNG (the caller made it from a canvas, so that is a bug).
 */
export function withPngText(png: Uint8Array, keyword: string, text: string): Uint8Array {
  const parsed = readPngChunks(png)
  if (!parsed.ok) throw new Error(parsed.message)
  const encoder = new TextEncoder()
  // iTXt: keyword \0, compression flag 0, method 0, language "" \0, translated keyword "" \0, text.
  const keywordBytes = encoder.encode(keyword)
  const textBytes = encoder.encode(text)
  const data = new Uint8Array(keywordBytes.length + 5 + textBytes.length)
  data.set(keywordBytes, 0)
  data.set(textBytes, keywordBytes.length + 5)
  const parts: Uint8Array[] = [PNG_SIGNATURE]
  for (const chunk of parsed.chunks) {
    if (chunk.type === 'IEND') parts.push(chunkBytes('iTXt', data))
    if ((chunk.type === 'iTXt' || chunk.type === 'tEXt') && textChunkKeyword(chunk.data) === keyword) continue
    parts.push(png.subarray(chunk.offset, chunk.offset + 12 + chunk.data.length))
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0)
  const out = new Uint8Array(total)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** PNG keywords are 1 to 79 Latin-1 bytes, ended by a zero byte. */
const MAX_KEYWORD_BYTES = 79

/** A text chunk's keyword, or null when the chunk has none PNG allows (no zero byte within 80 bytes, or an empty one). */
function textChunkKeyword(data: Uint8Array): string | null {
  const zero = data.subarray(0, MAX_KEYWORD_BYTES + 1).indexOf(0)
  if (zero < 1) return null
  return String.fromCharCode(...data.subarray(0, zero))
}

function keywordProblem(chunk: Chunk): string {
  const zero = chunk.data.indexOf(0)
  const length = zero < 0 ? chunk.data.length : zero
  return `the PNG's ${chunk.type} chunk at byte ${chunk.offset.toLocaleString('en-US')} has a keyword of ${length.toLocaleString('en-US')} bytes${zero < 0 ? ' (never ended by a zero byte)' : ''}; PNG allows 1 to ${MAX_KEYWORD_BYTES}, so the file is damaged or was not written by vmascope`
}

/** The text of the tEXt or uncompressed iTXt chunk named `keyword` (CRC checked), or null. */
export function readPngText(png: Uint8Array, keyword: string): { ok: true; text: string | null } | { ok: false; message: string } {
  const parsed = readPngChunks(png)
  if (!parsed.ok) return parsed
  let badKeyword: Chunk | null = null
  for (const chunk of parsed.chunks) {
    if (chunk.type !== 'iTXt' && chunk.type !== 'tEXt') continue
    const found = textChunkKeyword(chunk.data)
    if (found === null) badKeyword ??= chunk
    if (found !== keyword) continue
    if (!chunk.crcOk) return { ok: false, message: `the PNG's "${keyword}" chunk is damaged (its CRC does not match)` }
    const afterKeyword = chunk.data.indexOf(0) + 1
    if (chunk.type === 'tEXt') return { ok: true, text: new TextDecoder('latin1').decode(chunk.data.subarray(afterKeyword)) }
    if (chunk.data[afterKeyword] !== 0) return { ok: false, message: `the PNG's "${keyword}" chunk is compressed, which vmascope does not read` }
    const language = chunk.data.indexOf(0, afterKeyword + 2)
    const translated = language < 0 ? -1 : chunk.data.indexOf(0, language + 1)
    if (translated < 0) return { ok: false, message: `the PNG's "${keyword}" chunk is malformed` }
    return { ok: true, text: new TextDecoder('utf-8', { fatal: false }).decode(chunk.data.subarray(translated + 1)) }
  }
  // No scenario chunk: a text chunk whose keyword PNG does not allow is the likelier story.
  if (badKeyword) return { ok: false, message: keywordProblem(badKeyword) }
  return { ok: true, text: null }
}
