/**
 * fast-check generator of valid scenarios (after loadScenario), for the
 * round-trip properties of the share link and the export file formats.
 * Titles and notes use the whole of Unicode, including lone surrogates and
 * characters that mean something in HTML, XML and URLs.
 */
import fc from 'fast-check'
import { loadScenario } from '../scenario/load'
import { FILE_SYSTEMS, HOOK_SETTABLE_FLAGS, MAP_FLAGS } from '../scenario/vocabulary'
import { DEFAULT_WINDOW_PAGES } from '../scenario/defaults'
import type { Scenario } from '../scenario/types'
import { insideWindow } from '../engine/testing/inside-window'

const page = fc.nat({ max: 4096 })
const count = fc.integer({ min: 0, max: 64 })
const prot = fc.constantFrom('rw-', 'r--', '---', 'r-x', 'rwx', '-w-')
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('<script>alert(1)</script>', ']]>', '&amp;', '%2B$+', '"\'`'))

const backing = fc.oneof(
  fc.record({ kind: fc.constant('anon') }),
  fc.record({ kind: fc.constant('file'), file: text, pgoff: page, fs: fc.constantFrom(...FILE_SYSTEMS), hook: fc.constantFrom('mmap', 'mmap_prepare') }, { requiredKeys: ['kind', 'file', 'pgoff', 'fs'] }),
  fc.record({ kind: fc.constant('shmem'), file: text, pgoff: page }),
  fc.record({ kind: fc.constant('device'), file: text, pgoff: page, hook: fc.constantFrom('mmap', 'mmap_prepare'), setsFlags: fc.subarray([...HOOK_SETTABLE_FLAGS]) }),
  fc.record({ kind: fc.constantFrom('secretmem', 'perf', 'io_uring'), file: text, pgoff: page }),
)

const step = fc.oneof(
  fc.record(
    { op: fc.constant('mmap'), name: text, at: page, pages: count, prot, share: fc.constantFrom('private', 'shared'), backing, mapFlags: fc.subarray([...MAP_FLAGS]) },
    { requiredKeys: ['op', 'at', 'pages', 'prot', 'share', 'backing'] },
  ),
  fc.record({ op: fc.constant('munmap'), at: page, pages: count }),
  fc.record({ op: fc.constant('mprotect'), at: page, pages: count, prot }),
  fc.record({ op: fc.constant('madvise'), at: page, pages: count, advice: fc.constantFrom('MADV_MERGEABLE', 'MADV_UNMERGEABLE') }),
  fc.record({ op: fc.constant('prctl'), option: fc.constant('PR_SET_MEMORY_MERGE'), value: fc.nat() }),
  fc.record({ op: fc.constant('brk'), pages: count }),
  fc.record({ op: fc.constant('touch'), at: page, pages: count, write: fc.boolean() }),
  fc.record({ op: fc.constant('fork') }),
  fc.record({ op: fc.constant('mremap'), at: page, pages: count, newPages: count, to: page, mayMove: fc.boolean() }, { requiredKeys: ['op', 'at', 'pages', 'newPages'] }),
)

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc
  .record(
    {
      format: fc.constant('vma-scenario/1'),
      title: text,
      notes: text,
      windowPages: fc.oneof(fc.constant(1024), fc.integer({ min: 1, max: 1 << 20 })),
      placement: fc.constantFrom('fixed', 'kernel'),
      brkBase: page,
      maxMapCount: fc.integer({ min: 0, max: 70000 }),
      base: fc.constantFrom('0x7f0000000000', '0x555555554000', '0x0'),
      machine: fc.record({ protectionKeys: fc.boolean() }, { requiredKeys: [] }),
      steps: fc.array(step, { maxLength: 12 }),
    },
    { requiredKeys: ['format', 'brkBase', 'steps'] },
  )
  // Every range a step names inside the window (the loader refuses one outside it).
  .map((raw) => ({ ...raw, steps: insideWindow(raw.steps, raw.windowPages ?? DEFAULT_WINDOW_PAGES) }))
  .map((raw) => loadScenario(raw))
  .filter((loaded) => loaded.ok)
  .map((loaded) => (loaded as Extract<typeof loaded, { ok: true }>).scenario)
