import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { scenarioJsonSchemaText } from '../scenario/json-schema'

describe('docs/vma-scenario-3.schema.json', () => {
  it('is what `npm run schema` generates from src/scenario/schema.ts (run it after changing the schema)', () => {
    const committed = readFileSync(new URL('../../docs/vma-scenario-3.schema.json', import.meta.url), 'utf8')
    expect(committed).toBe(scenarioJsonSchemaText())
  })

  it('requires the fields the format requires', () => {
    const schema = JSON.parse(scenarioJsonSchemaText()) as { required: string[]; properties: Record<string, unknown> }
    expect(schema.required).toEqual(['format', 'steps'])
    expect(Object.keys(schema.properties)).toEqual(['format', 'title', 'notes', 'windowPages', 'placement', 'brkBase', 'maxMapCount', 'initial', 'base', 'machine', 'steps'])
  })
})
