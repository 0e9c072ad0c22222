/**
 * `npm run record` on input that is not a scenario file, run as a user runs
 * it: the same 64 MiB cap as simulate, enforced while reading (a device, an
 * endless FIFO, endless standard input), and a directory or a missing file
 * named. All of these are refused before the recorder is built or run, so
 * they hold on any machine.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../..', import.meta.url))
const scratch = mkdtempSync(join(tmpdir(), 'vmascope-record-'))
const TOO_BIG = 'more than 64 MiB; no scenario is that big (read stopped there)'

function shell(command: string) {
  const run = spawnSync('sh', ['-c', command], { cwd: REPO, encoding: 'utf8', timeout: 120_000 })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('record on input that is not a scenario file', { timeout: 120_000 }, () => {
  it('refuses a device (/dev/zero, size 0 on disk) once 64 MiB are read: one line, exit status 2', () => {
    const run = shell('npx tsx src/cli/record.ts /dev/zero')
    expect(run.stderr).toBe(`record: /dev/zero: ${TOO_BIG}\n`)
    expect(run.status).toBe(2)
    expect(run.stdout).toBe('')
  })

  it('refuses endless standard input the same way', () => {
    const run = shell('yes | npx tsx src/cli/record.ts -')
    expect(run.stderr).toBe(`record: stdin: ${TOO_BIG}\n`)
    expect(run.status).toBe(2)
  })

  it('refuses a FIFO fed without end', () => {
    const fifo = join(scratch, 'endless.fifo')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const run = shell(`(cat /dev/zero > '${fifo}' 2>/dev/null &) ; npx tsx src/cli/record.ts '${fifo}'`)
    expect(run.stderr).toBe(`record: ${fifo}: ${TOO_BIG}\n`)
    expect(run.status).toBe(2)
  })

  it('names a directory and a missing file in one line each, exit status 2', () => {
    const dir = shell(`npx tsx src/cli/record.ts '${scratch}'`)
    expect(dir.stderr).toBe(`record: ${scratch}: is a directory, not a scenario file\n`)
    expect(dir.status).toBe(2)
    const missing = shell(`npx tsx src/cli/record.ts '${join(scratch, 'nope.json')}'`)
    expect(missing.stderr).toBe(`record: ${join(scratch, 'nope.json')}: no such file (ENOENT)\n`)
    expect(missing.status).toBe(2)
  })
})
