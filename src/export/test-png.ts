/**
 * Test helper: a small valid RGB PNG, for the chunk and PDF tests. The image
 * data is zlib with "stored" (uncompressed) deflate blocks, so no zlib
 * library is needed and the helper runs anywhere.
 */
import { PNG_SIGNATURE, chunkBytes as chunk } from './png-text'

function zlibStored(data: Uint8Array): Uint8Array {
  const blocks: number[] = [0x78, 0x01]
  for (let at = 0; at < data.length || at === 0; at += 65535) {
    const piece = data.subarray(at, at + 65535)
    const final = at + 65535 >= data.length ? 1 : 0
    blocks.push(final, piece.length & 0xff, piece.length >> 8, ~piece.length & 0xff, (~piece.length >> 8) & 0xff, ...piece)
    if (final) break
  }
  let a = 1
  let b = 0
  for (const byte of data) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  blocks.push(b >> 8, b & 0xff, a >> 8, a & 0xff)
  return Uint8Array.from(blocks)
}

export function solidPng(width: number, height: number, rgb: [number, number, number] = [40, 120, 200]): Uint8Array {
  const header = new Uint8Array(13)
  const view = new DataView(header.buffer)
  view.setUint32(0, width)
  view.setUint32(4, height)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type RGB
  const stride = width * 3 + 1
  const rows = new Uint8Array(stride * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) rows.set(rgb, y * stride + 1 + x * 3)
  }
  const parts = [PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', zlibStored(rows)), chunk('IEND', new Uint8Array())]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}
