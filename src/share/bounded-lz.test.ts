import fc from 'fast-check'
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string'
import { describe, expect, it } from 'vitest'
import { LINK_ALPHABET, decompressLinkPayload } from './bounded-lz'
import { quadraticBomb } from './lz-bomb'

const linkText = fc.string({ unit: fc.constantFrom(...LINK_ALPHABET), maxLength: 200 })

describe('decompressLinkPayload', () => {
  it('returns what lz-string compressed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => {
        const result = decompressLinkPayload(compressToEncodedURIComponent(text), 1_000_000)
        expect(result).toEqual({ ok: true, text })
      }),
    )
  })

  it('agrees with lz-string on any string of the link alphabet it accepts', () => {
    fc.assert(
      fc.property(linkText, (input) => {
        const ours = decompressLinkPayload(input, 1_000_000)
        if (ours.ok) expect(ours.text).toBe(decompressFromEncodedURIComponent(input))
      }),
    )
  })

  it('stops a decompression bomb at the limit instead of expanding it', () => {
    const small = quadraticBomb(100)
    expect(decompressLinkPayload(small, 1_000_000)).toEqual({ ok: true, text: 'A'.repeat(1 + (101 * 102) / 2 - 1) })
    expect(decompressLinkPayload(small, 1_000_000)).toEqual({ ok: true, text: decompressFromEncodedURIComponent(small) })
    const bomb = quadraticBomb(40_000)
    expect(bomb.length).toBeLessThan(120_000)
    expect(decompressLinkPayload(bomb, 100_000)).toEqual({ ok: false, reason: 'too-large', limit: 100_000 })
  })

  it('reports a link cut short, a character outside the alphabet and an empty payload', () => {
    const whole = compressToEncodedURIComponent(JSON.stringify({ hello: 'world', list: [1, 2, 3, 4, 5, 6] }))
    expect(decompressLinkPayload(whole.slice(0, whole.length - 6), 10_000)).toEqual({ ok: false, reason: 'truncated' })
    expect(decompressLinkPayload(`${whole.slice(0, 5)}<${whole.slice(5)}`, 10_000)).toEqual({ ok: false, reason: 'bad-character', index: 5, character: '<' })
    expect(decompressLinkPayload('', 10)).toEqual({ ok: false, reason: 'empty' })
  })

  it('never throws on random input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => void decompressLinkPayload(input, 50_000)))
  })
})
