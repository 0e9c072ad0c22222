/**
 * describeValue: how an error message quotes a rejected value. Expected texts are the
 * contract in describe-value.ts, written out.
 */
import { describe, expect, it } from 'vitest'
import { describeValue } from './describe-value'

describe('describeValue', () => {
  it('quotes strings as JSON, cutting them after 40 characters', () => {
    expect(describeValue('rw-')).toBe('"rw-"')
    expect(describeValue('a"b')).toBe('"a\\"b"')
    expect(describeValue('x'.repeat(40))).toBe(`"${'x'.repeat(40)}"`)
    expect(describeValue('x'.repeat(41))).toBe(`"${'x'.repeat(40)}…"`)
  })
  it('writes numbers, booleans and bigints as they are', () => {
    expect(describeValue(-1.5)).toBe('-1.5')
    expect(describeValue(false)).toBe('false')
    expect(describeValue(10n)).toBe('10')
  })
  it('names containers by kind and size, never by content', () => {
    expect(describeValue([])).toBe('a list of 0 items')
    expect(describeValue([1])).toBe('a list of 1 item')
    expect(describeValue([1, 2, 3])).toBe('a list of 3 items')
    expect(describeValue({ a: 1 })).toBe('an object')
  })
  it('says "nothing", "null", or the type for the rest', () => {
    expect(describeValue(undefined)).toBe('nothing')
    expect(describeValue(null)).toBe('null')
    expect(describeValue(() => 1)).toBe('a function')
    expect(describeValue(Symbol('s'))).toBe('a symbol')
  })
})
