/**
 * The version switch: every document goes through `migrateToCurrent` before
 * the schema sees it, so old formats are upgraded in one place.
 *
 * Version 2 (`vma-scenario/2`) added vocabulary only: madvise's flag advices
 * and the advices that leave VMAs alone, MAP_STACK, mlock, munlock, mlockall, munlockall, mseal and mremap's
 * dontUnmap. Every version-1
 * document means the same as version 2, so its upgrade only renames the
 * format. Version 3 (`vma-scenario/3`) added SysV shared memory (the steps
 * shmget, shmat and shmdt), again vocabulary only: its upgrade renames the
 * format too. When version 4 comes, add `MIGRATIONS[3]`, bump
 * CURRENT_FORMAT_VERSION, and every older file, link and gallery entry keeps
 * loading. A document from a newer vmascope is refused with a
 * message that says so, rather than half-read.
 */
import { SCENARIO_FORMAT } from './types'
import type { ScenarioError } from './load'
import { describeValue } from './describe-value'

export const CURRENT_FORMAT_VERSION = 3
const FORMAT_PATTERN = /^vma-scenario\/([0-9]+)$/

type JsonObject = Record<string, unknown>

/** Upgrades a document of version N (the key) to version N+1. */
const MIGRATIONS: Record<number, (document: JsonObject, warnings: string[]) => JsonObject> = {
  // vma-scenario/1 → /2: the fields and their meaning are unchanged; version 2 only added names.
  1: (document) => ({ ...document, format: 'vma-scenario/2' }),
  // vma-scenario/2 → /3: likewise; version 3 only added the SysV shared memory steps.
  2: (document) => ({ ...document, format: 'vma-scenario/3' }),
}

export type MigrationResult =
  | { ok: true; document: JsonObject; warnings: string[] }
  | { ok: false; error: ScenarioError }

export function migrateToCurrent(input: unknown): MigrationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      error: {
        path: '',
        message: `expected a scenario object like {"format": "${SCENARIO_FORMAT}", "steps": […]}, got ${describeValue(input)}`,
      },
    }
  }
  const warnings: string[] = []
  let document = input as JsonObject
  let version: number
  const format = document.format
  if (format === undefined) {
    // A looser form: hand-written files often leave the format out.
    warnings.push(`no "format" field; read as "${SCENARIO_FORMAT}"`)
    document = { ...document, format: SCENARIO_FORMAT }
    version = CURRENT_FORMAT_VERSION
  } else {
    const match = typeof format === 'string' ? FORMAT_PATTERN.exec(format) : null
    version = match ? Number(match[1]) : 0
    if (version > CURRENT_FORMAT_VERSION) {
      return {
        ok: false,
        error: {
          path: 'format',
          message: `${describeValue(format)} comes from a newer vmascope; this one reads "${SCENARIO_FORMAT}" and older. Update vmascope to open it`,
        },
      }
    }
    if (version < 1) {
      return {
        ok: false,
        error: { path: 'format', message: `unknown format ${describeValue(format)}; expected "${SCENARIO_FORMAT}"` },
      }
    }
  }
  for (; version < CURRENT_FORMAT_VERSION; version++) {
    const upgrade = MIGRATIONS[version]
    if (!upgrade) {
      return { ok: false, error: { path: 'format', message: `no upgrade from vma-scenario/${version}` } }
    }
    document = upgrade(document, warnings)
  }
  return { ok: true, document, warnings }
}
