import { mkdtempSync, openSync, closeSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Output, writeJson } from './output'

const scratch = mkdtempSync(join(tmpdir(), 'vmascope-output-'))

/** What writeJson writes for `value`, read back from a file. */
function written(value: unknown, gap: string): string {
  const file = join(scratch, `out-${Math.random().toString(36).slice(2)}.json`)
  const fd = openSync(file, 'w')
  const out = new Output(fd)
  writeJson(out, value, gap)
  out.flush()
  closeSync(fd)
  return readFileSync(file, 'utf8')
}

// JSON values with long arrays inside (the writer streams arrays over 32 elements).
const jsonWithLongArrays = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 2 }), tie('array'), tie('object')),
  array: fc.array(tie('value'), { minLength: 0, maxLength: 80 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 6 }),
})).value

describe('writeJson', () => {
  it('writes exactly what JSON.stringify(value, null, gap) gives, for gaps "" and "  "', () => {
    fc.assert(fc.property(jsonWithLongArrays, (value) => {
      expect(written(value, '')).toBe(JSON.stringify(value))
      expect(written(value, '  ')).toBe(JSON.stringify(value, null, 2))
    }), { numRuns: 150 })
  })

  it('skips undefined fields and writes undefined array elements as null, as JSON.stringify does', () => {
    const value = { a: undefined, b: Array.from({ length: 40 }, (_, i) => (i === 3 ? undefined : i)), c: 'x' }
    expect(written(value, '  ')).toBe(JSON.stringify(value, null, 2))
    expect(written(value, '')).toBe(JSON.stringify(value))
  })

  it('writes a 28 MB array element by element, the same bytes', () => {
    const big = Array.from({ length: 200_000 }, (_, i) => ({ start: i, end: i + 1, names: [`m${i}`], flags: ['VM_READ', 'VM_WRITE'] }))
    const text = written(big, '  ')
    expect(text.length).toBeGreaterThan(25_000_000)
    expect(text).toBe(JSON.stringify(big, null, 2))
  })
})
