/**
 * An engine failure as the user sees it: the runner run as a user runs it,
 * with a defect injected at one step (src/cli/testing/inject-defect.ts, loaded
 * only here), prints one line naming the step and calling it a vmascope
 * defect, never a stack trace, exits with status 1, and saves the scenario,
 * kernel and error in the file the line names.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'vmascope-defect-cli-'))
const scenario = {
  format: 'vma-scenario/3', windowPages: 16, placement: 'fixed',
  steps: [
    { op: 'mmap', at: 0, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } },
    { op: 'fork' },
    { op: 'munmap', at: 0, pages: 1 },
  ],
}
const file = join(scratch, 'three-steps.json')
writeFileSync(file, JSON.stringify(scenario))

function runWithDefect(at: number, args: string[]) {
  const reports = mkdtempSync(join(scratch, 'reports-'))
  const run = spawnSync('npx', ['tsx', '--import', './src/cli/testing/inject-defect.ts', 'src/cli/simulate.ts', ...args, file], {
    cwd: REPO, encoding: 'utf8', env: { ...process.env, VMASCOPE_INJECT_DEFECT_AT: String(at), VMASCOPE_DEFECT_DIR: reports },
  })
  return { status: run.status, stderr: run.stderr, reports }
}

describe('an engine failure in the runner', { timeout: 120_000 }, () => {
  for (const [args, at, op] of [[[], 2, 'fork'], [['--format', 'ndjson'], 3, 'munmap'], [['--final'], 2, 'fork'], [['--format', 'text'], 3, 'munmap']] as const) {
    it(`${args.join(' ') || 'json'}: one line naming step ${at} (${op}), a vmascope defect, with the scenario saved; exit status 1`, () => {
      const run = runWithDefect(at, [...args])
      expect(run.status).toBe(1)
      const [report] = readdirSync(run.reports)
      expect(report).toBeDefined()
      const path = join(run.reports, report!)
      expect(run.stderr).toBe(`simulate: the engine failed at step ${at} (${op}) on kernel 6.18 with RangeError: Maximum call stack size exceeded (injected by the test). This is a vmascope defect, not a problem with the scenario; attach ${path} (the scenario, kernel and error) to the report.\n`)
      const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
      expect(saved).toMatchObject({ report: 'vmascope engine defect', command: 'simulate', kernel: '6.18', step: at, scenario })
    })
  }
})
