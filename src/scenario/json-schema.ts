/**
 * The JSON Schema of `vma-scenario/3`, generated from the zod schema so the
 * two cannot drift. `npm run schema` (tools/gen-schema.ts) writes it to
 * docs/vma-scenario-3.schema.json; a test checks the committed file is current.
 * The schema files of earlier versions (docs/vma-scenario-1.schema.json, -2) stay as they were.
 *
 * It describes the *input* a file may contain (defaults optional). Two rules
 * span fields and are not in it: `at` is required on every mmap when
 * placement is "fixed", and `brkBase` is required when a brk step exists.
 */
import { z } from 'zod'
import { scenarioSchema } from './schema'

export const JSON_SCHEMA_ID = 'urn:vmascope:schema:vma-scenario-3'

export function scenarioJsonSchemaText(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', target: 'draft-2020-12' })
  const document = { ...schema, $id: JSON_SCHEMA_ID, title: 'vmascope scenario (vma-scenario/3)' }
  return `${JSON.stringify(document, null, 2)}\n`
}
