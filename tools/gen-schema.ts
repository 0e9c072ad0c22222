/**
 * `npm run schema`: writes docs/vma-scenario-3.schema.json from the zod schema
 * in src/scenario/schema.ts. Run it after changing the schema; the test
 * src/cli/schema-file.test.ts fails until you do.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { scenarioJsonSchemaText } from '../src/scenario/json-schema'

const SCHEMA_FILE = fileURLToPath(new URL('../docs/vma-scenario-3.schema.json', import.meta.url))

writeFileSync(SCHEMA_FILE, scenarioJsonSchemaText())
console.log(`wrote ${SCHEMA_FILE}`)
