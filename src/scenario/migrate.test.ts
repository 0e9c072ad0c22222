/**
 * migrateToCurrent: the version switch every document passes before the schema.
 * Expectations are the messages and upgrades written in migrate.ts's contract.
 */
import { describe, expect, it } from 'vitest'
import { CURRENT_FORMAT_VERSION, migrateToCurrent } from './migrate'

const error = (input: unknown) => {
  const r = migrateToCurrent(input)
  if (r.ok) throw new Error('expected a refusal')
  return r.error
}

describe('migrateToCurrent', () => {
  it('reads version 3 as it is, with no warning', () => {
    const doc = { format: 'vma-scenario/3', steps: [], windowPages: 64 }
    expect(CURRENT_FORMAT_VERSION).toBe(3)
    expect(migrateToCurrent(doc)).toEqual({ ok: true, document: doc, warnings: [] })
  })

  it('upgrades version 1 by renaming the format, keeping every other field, and leaves the input unchanged', () => {
    const doc = { format: 'vma-scenario/1', steps: [{ op: 'fork' }], windowPages: 64 }
    const r = migrateToCurrent(doc)
    expect(r).toEqual({ ok: true, document: { format: 'vma-scenario/3', steps: [{ op: 'fork' }], windowPages: 64 }, warnings: [] })
    expect(doc.format).toBe('vma-scenario/1')
  })

  it('upgrades version 2 the same way: version 3 only added the SysV shared memory steps', () => {
    const doc = { format: 'vma-scenario/2', steps: [{ op: 'mseal', at: 0, pages: 1 }], windowPages: 64, title: 'T' }
    expect(migrateToCurrent(doc)).toEqual({ ok: true, document: { ...doc, format: 'vma-scenario/3' }, warnings: [] })
    expect(doc.format).toBe('vma-scenario/2')
  })

  it('reads a document without a format as the current one, and warns', () => {
    expect(migrateToCurrent({ steps: [] })).toEqual({ ok: true, document: { steps: [], format: 'vma-scenario/3' }, warnings: ['no "format" field; read as "vma-scenario/3"'] })
  })

  it('refuses a document from a newer vmascope, saying so', () => {
    expect(error({ format: 'vma-scenario/4', steps: [] })).toEqual({
      path: 'format',
      message: '"vma-scenario/4" comes from a newer vmascope; this one reads "vma-scenario/3" and older. Update vmascope to open it',
    })
  })

  it('refuses an unknown format: version 0, another name, a non-string, a near miss', () => {
    for (const [format, shown] of [['vma-scenario/0', '"vma-scenario/0"'], ['speedscope', '"speedscope"'], [2, '2'], ['vma-scenario/2x', '"vma-scenario/2x"'], ['xvma-scenario/2', '"xvma-scenario/2"'], [null, 'null']] as const) {
      expect(error({ format, steps: [] })).toEqual({ path: 'format', message: `unknown format ${shown}; expected "vma-scenario/3"` })
    }
  })

  it('refuses what is not an object, naming what it got', () => {
    const expected = (got: string) => ({ path: '', message: `expected a scenario object like {"format": "vma-scenario/3", "steps": […]}, got ${got}` })
    expect(error(null)).toEqual(expected('null'))
    expect(error([1, 2])).toEqual(expected('a list of 2 items'))
    expect(error('text')).toEqual(expected('"text"'))
    expect(error(7)).toEqual(expected('7'))
    expect(error(undefined)).toEqual(expected('nothing'))
  })
})
