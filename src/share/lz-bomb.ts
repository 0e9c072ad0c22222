/**
 * Test helper: a compressed link payload that expands quadratically. Every
 * code after the first literal refers to the entry the decoder is about to
 * create (LZW's "KwKwK" case), so code k produces k+1 characters: `codes`
 * codes expand to about codes²/2 characters. 4,000 codes (≈ 9 kB of link)
 * ask for 8 million characters.
 */
import { LINK_ALPHABET } from './bounded-lz'

export function quadraticBomb(codes: number, literal = 'A'): string {
  let out = ''
  let current = 0
  let filled = 0
  const writeBits = (value: number, count: number) => {
    for (let power = 0; power < count; power++) {
      current = (current << 1) | ((value >> power) & 1)
      if (++filled === 6) {
        out += LINK_ALPHABET[current]
        current = 0
        filled = 0
      }
    }
  }
  writeBits(0, 2)
  writeBits(literal.charCodeAt(0), 8)
  let dictSize = 4
  let numBits = 3
  let enlargeIn = 4
  for (let i = 0; i < codes; i++) {
    writeBits(dictSize, numBits)
    dictSize++
    if (--enlargeIn === 0) {
      enlargeIn = 2 ** numBits
      numBits++
    }
  }
  writeBits(2, numBits)
  while (filled !== 0) writeBits(0, 1)
  return `${out}A`
}
