import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadScenario } from '../scenario/load'
import { simulate } from '../engine/simulate'
import { parseSmaps } from './smaps'
import { classifyMapping, importSmapsText, importedScenarioJson } from './to-scenario'

const SAMPLE = [
  '55d4c2a00000-55d4c2a02000 r--p 00000000 fe:00 260131                     /usr/bin/cat',
  'Size:                  8 kB',
  'Anonymous:             0 kB',
  'VmFlags: rd mr mw me ',
  '55d4c3e8e000-55d4c3eaf000 rw-p 00000000 00:00 0                          [heap]',
  'Rss:                  132 kB',
  'Anonymous:            132 kB',
  'VmFlags: rd wr mr mw me ac ',
  '7ffc7d1de000-7ffc7d1ff000 rw-p 00000000 00:00 0                          [stack]',
  'Anonymous:             12 kB',
  'VmFlags: rd wr mr mw me gd ac ',
  'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]',
  'VmFlags: ex ',
].join('\n')

describe('parseSmaps', () => {
  it('reads ranges as absolute pages, permissions, offsets, paths and VmFlags', () => {
    const parsed = parseSmaps(SAMPLE)
    expect(parsed.format).toBe('smaps')
    expect(parsed.problems).toEqual([])
    expect(parsed.mappings.map((m) => [m.startPage, m.endPage, m.prot, m.share, m.pathname, m.flags?.join(' '), m.anonymousKiB])).toEqual([
      [0x55d4c2a00, 0x55d4c2a02, 'r--', 'private', '/usr/bin/cat', 'VM_READ VM_MAYREAD VM_MAYWRITE VM_MAYEXEC', 0],
      [0x55d4c3e8e, 0x55d4c3eaf, 'rw-', 'private', '[heap]', 'VM_READ VM_WRITE VM_MAYREAD VM_MAYWRITE VM_MAYEXEC VM_ACCOUNT', 132],
      [0x7ffc7d1de, 0x7ffc7d1ff, 'rw-', 'private', '[stack]', 'VM_READ VM_WRITE VM_MAYREAD VM_MAYWRITE VM_MAYEXEC VM_GROWSDOWN VM_ACCOUNT', 12],
    ])
    expect(parsed.skipped).toEqual([{ line: 12, message: '[vsyscall] lies above the 47-bit user address space; left out' }])
  })

  it('reports every malformed line with its number and loads the rest', () => {
    const text = [
      'Size: 4 kB', // 1: before any mapping
      '00400000-00401000 r-xp 00000000 08:01 42 /bin/true', // 2: fine
      'VmFlags: rd ex mr mw me zz', // 3: zz is kept as an unmodelled mnemonic, not an error
      'garbage here', // 4
      '00401000-00402000 rwzp 00000000 08:01 42 /bin/true', // 5: bad perms
      'VmFlags: rd', // 6: belongs to the dropped mapping, not reported again
      '00402800-00403000 rw-p 00000000 00:00 0', // 7: not page-aligned
      '00403000-00403000 rw-p 00000000 00:00 0', // 8: empty
      '00500000-00501000 rw-p 00000000 00:00 0', // 9: fine
      'Anonymous: lots', // 10: bad size; the mapping stays
      'VmFlags: rd wr mr mw me ac toolong', // 11: bad mnemonic; the mapping keeps the others
      '00500000-00502000 rw-p 00000000 00:00 0', // 12: overlaps the one above
      '', // blank lines are fine
      '00600000-00601000 r--s 00001000 00:05 7 /memfd:pool (deleted)', // 14: fine
    ].join('\n')
    const parsed = parseSmaps(text)
    expect(parsed.problems.map((p) => p.line)).toEqual([1, 4, 5, 7, 8, 10, 11, 12])
    expect(parsed.problems.find((p) => p.line === 5)!.message).toMatch(/permissions "rwzp"/)
    expect(parsed.problems.find((p) => p.line === 7)!.message).toMatch(/not page-aligned/)
    expect(parsed.mappings.map((m) => [m.line, m.startPage, m.endPage])).toEqual([[2, 0x400, 0x401], [9, 0x500, 0x501], [14, 0x600, 0x601]])
    expect(parsed.mappings[0]!.otherMnemonics).toEqual(['zz'])
    expect(parsed.mappings[1]!.flags).toEqual(['VM_READ', 'VM_WRITE', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_ACCOUNT'])
    expect(parsed.mappings[2]).toMatchObject({ share: 'shared', pgoff: 1, pathname: '/memfd:pool (deleted)' })
  })

  it('reads /proc/PID/maps (no fields) too', () => {
    const parsed = parseSmaps('00400000-00401000 r-xp 00000000 08:01 42   /bin/with space\n')
    expect(parsed.format).toBe('maps')
    expect(parsed.mappings[0]).toMatchObject({ pathname: '/bin/with space', flags: null })
  })
})

describe('classifyMapping', () => {
  it.each([
    ['[heap]', 'private', 'heap'], ['', 'private', 'anon'], ['[stack]', 'private', 'anon'], ['[anon:jit]', 'private', 'anon'],
    ['/dev/zero (deleted)', 'shared', 'anon'], ['/memfd:x (deleted)', 'shared', 'shmem'], ['/SYSV00000000 (deleted)', 'shared', 'shmem'],
    ['/dev/shm/pool', 'shared', 'shmem'], ['[vdso]', 'private', 'device'], ['/dev/dri/card0', 'shared', 'device'],
    ['anon_inode:[perf_event]', 'shared', 'device'], ['/usr/lib/libc.so.6', 'private', 'file'],
  ] as const)('%s (%s) is %s', (pathname, share, backing) => {
    expect(classifyMapping({ pathname, share }).backing).toBe(backing)
  })
})

describe('SysV shm attaches in an imported process', () => {
  // Lines of a process on this machine's 6.18.44 (tools' shmtest under PR_SET_MEMORY_MERGE): T's attach at
  // 0x7fb68f09f000 in two pieces (the second made read-only and back), S's attach, T's read-only attach.
  const text = [
    '7fb68f09d000-7fb68f09f000 rw-p 00000000 00:00 0', 'VmFlags: rd wr mr mw me ac mg',
    '7fb68f09f000-7fb68f0a2000 rw-s 00000000 00:01 3                          /SYSV00000000 (deleted)', 'VmFlags: rd wr sh mr mw me ms',
    '7fb68f0a2000-7fb68f0a3000 rw-s 00003000 00:01 3                          /SYSV00000000 (deleted)', 'VmFlags: rd wr sh mr mw me ms',
    '7fb68f0a5000-7fb68f0a9000 rw-s 00000000 00:01 2                          /SYSV1234abcd (deleted)', 'VmFlags: rd wr sh mr mw me ms',
    '7fb68f0a9000-7fb68f0ad000 r--s 00000000 00:01 3                          /SYSV00000000 (deleted)', 'VmFlags: rd mr me ms',
  ].join('\n')
  const base = 0x7fb68f09f

  it('each attach is a struct file of its own, named by the segment, its shmid and where it was attached', () => {
    const vmas = importSmapsText(text).document.initial.vmas
    expect(vmas.map((v) => [v.backing, v.file])).toEqual([
      ['anon', undefined],
      ['sysv', '/SYSV00000000 shmid 3 attached at 0x7fb68f09f000'],
      ['sysv', '/SYSV00000000 shmid 3 attached at 0x7fb68f09f000'],
      ['sysv', '/SYSV1234abcd shmid 2 attached at 0x7fb68f0a5000'],
      ['sysv', '/SYSV00000000 shmid 3 attached at 0x7fb68f0a9000'],
    ])
  })

  it('the engine keeps the pieces apart (vm_ops->close), and shmdt at the attach\'s address takes both, as ksys_shmdt() does', () => {
    const loaded = loadScenario({ ...importSmapsText(text).document, steps: [
      { op: 'mprotect', at: base + 3, pages: 1, prot: 'r--' }, { op: 'mprotect', at: base + 3, pages: 1, prot: 'rw-' },
      { op: 'shmdt', at: base + 1 }, { op: 'shmdt', at: base },
    ] })
    if (!loaded.ok) throw new Error(loaded.text)
    const t = simulate(loaded.scenario, '6.18')
    expect(t.steps.map((st) => st.error)).toEqual([null, null, 'EINVAL', null])
    const shown = (i: number) => t.vmasAt(i).map((v) => `${(v.start - base).toString()}-${(v.end - base).toString()} ${v.file ?? ''}`)
    expect(shown(2)).toEqual(['-2-0 ', '0-3 /SYSV00000000 (deleted)', '3-4 /SYSV00000000 (deleted)', '6-10 /SYSV1234abcd (deleted)', '10-14 /SYSV00000000 (deleted)'])
    expect(shown(4)).toEqual(['-2-0 ', '6-10 /SYSV1234abcd (deleted)', '10-14 /SYSV00000000 (deleted)'])
  })
})

describe('a real process on this machine', () => {
  let child: ChildProcess
  beforeAll(async () => {
    // A small, idle process whose address space does not change while it is read.
    child = spawn('sleep', ['30'], { stdio: 'ignore' })
    await new Promise((resolve) => child.once('spawn', resolve))
    // 'spawn' fires at exec: wait until the dynamic loader has finished mapping the libraries.
    let previous = ''
    for (let attempt = 0; attempt < 50; attempt++) {
      const maps = readFileSync(`/proc/${child.pid}/maps`, 'utf8')
      if (maps === previous) break
      previous = maps
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })
  afterAll(() => {
    child.kill()
  })

  it('imports every mapping of /proc/PID/smaps with its range and VmFlags, and the engine starts from it', () => {
    const smaps = readFileSync(`/proc/${child.pid}/smaps`, 'utf8')
    // The expected ranges and flags, read straight from the same text (independently of the parser).
    const userLines = smaps.split('\n').filter((l) => /^[0-9a-f]+-[0-9a-f]+ /.test(l) && !l.startsWith('ffffffffff600000'))
    const expectedRanges = userLines.map((l) => l.split(' ')[0]!.split('-').map((h) => Number(BigInt(`0x${h}`) / 4096n)))
    const expectedMnemonics = smaps.split('\n').filter((l) => l.startsWith('VmFlags:')).map((l) => l.slice(8).trim().split(/\s+/)).slice(0, userLines.length)

    const imported = importSmapsText(smaps, `sleep-${child.pid}.smaps`)
    expect(imported.problems).toEqual([])
    const loaded = loadScenario(imported.document)
    if (!loaded.ok) throw new Error(loaded.text)
    const vmas = simulate(loaded.scenario, '6.18').vmasAt(0)
    expect(vmas.map((v) => [v.start, v.end])).toEqual(expectedRanges)
    expect(vmas.map((v) => v.mnemonics)).toEqual(expectedMnemonics)
    expect(vmas.some((v) => v.backing === 'file' && v.file === '/usr/bin/sleep')).toBe(true)
    expect(vmas.find((v) => v.names.includes('[stack]'))).toBeDefined()
  })
})

describe('importedScenarioJson', () => {
  it('a 1,000,000-line maps file is refused for its mappings, in the file\'s terms, not as JSON text over 64 MiB', () => {
    const lines: string[] = []
    for (let i = 0; i < 1_000_000; i++) {
      const start = 0x10000000 + i * 2 * 4096
      lines.push(`${start.toString(16)}-${(start + 4096).toString(16)} rw-p 00000000 00:00 0 `)
    }
    const imported = importSmapsText(lines.join('\n'), 'big.maps')
    expect(imported.document.initial.vmas).toHaveLength(1_000_000)
    const json = importedScenarioJson(imported, 'big.maps')
    expect(json.ok).toBe(false)
    const message = json.ok ? '' : json.message
    expect(message).toMatch(/^big\.maps: 1,000,000 mappings make a scenario of \d+ MiB of JSON, more than the 64 MiB a scenario may be; import a process with fewer mappings/)
    expect(message).not.toMatch(/JSON text/)
  })

  it('a process that fits is its document as JSON', () => {
    const imported = importSmapsText(SAMPLE, 'cat.smaps')
    expect(importedScenarioJson(imported, 'cat.smaps')).toEqual({ ok: true, json: JSON.stringify(imported.document) })
  })
})
