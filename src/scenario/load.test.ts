import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { loadScenario, type LoadResult } from './load'
import { HOOK_SETTABLE_FLAGS, MAP_FLAGS, MAX_PAGE_VALUE, MAX_STEPS, MAX_WINDOW_PAGES, STEP_OPS } from './schema'
import { insideWindow } from '../engine/testing/inside-window'
import { MAX_JSON_BYTES } from './json-text'
import type { Backing, Scenario, Step } from './types'
import { HOOK_SETTABLE_FLAGS as ENGINE_HOOK_FLAGS, flagFromName } from '../engine/flags'

const anonMmap = (at: number, pages = 2, extra: Record<string, unknown> = {}) => ({
  op: 'mmap',
  at,
  pages,
  prot: 'rw-',
  share: 'private',
  backing: { kind: 'anon' },
  ...extra,
})
const doc = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ format: 'vma-scenario/1', steps, ...extra })

function expectError(result: LoadResult, path: string, message?: string | RegExp): void {
  if (result.ok) throw new Error(`expected an error at ${path}, but the scenario loaded`)
  expect(result.error.path).toBe(path)
  if (typeof message === 'string') expect(result.error.message).toBe(message)
  else if (message) expect(result.error.message).toMatch(message)
  // A whole-document error (no path) is its message alone.
  expect(result.text).toBe(path === '' ? result.error.message : `${path}: ${result.error.message}`)
}

function expectLoaded(result: LoadResult): Scenario {
  if (!result.ok) throw new Error(`expected the scenario to load, got ${result.text}`)
  return result.scenario
}

describe('loadScenario: error messages name the first bad field', () => {
  it('explains a bad prot string', () => {
    const steps = [anonMmap(0), anonMmap(4), anonMmap(8), { op: 'mprotect', at: 0, pages: 1, prot: 'rwz' }]
    expectError(loadScenario(doc(steps)), 'steps[3].prot', 'expected three characters from r, w, x, - (like "rw-"), got "rwz"')
  })

  it('rejects prot strings in the wrong order or length', () => {
    for (const prot of ['wr-', 'rw', 'rw-x', 'RW-', '', 5]) {
      expectError(loadScenario(doc([anonMmap(0, 1, { prot })])), 'steps[0].prot', /^expected three characters/)
    }
  })

  it('lists the operations for an unknown op', () => {
    expectError(
      loadScenario(doc([anonMmap(0), anonMmap(4), { op: 'mmapp', at: 0, pages: 1 }])),
      'steps[2].op',
      `unknown operation "mmapp"; expected one of ${STEP_OPS.join(', ')}`,
    )
  })

  it('says "required" for a missing field, inside the right step type', () => {
    expectError(
      loadScenario(doc([{ op: 'mmap', at: 0, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }])),
      'steps[0].pages',
      'required',
    )
    expectError(loadScenario(doc([{ op: 'madvise', at: 0, pages: 1 }])), 'steps[0].advice', 'required')
    expectError(loadScenario(doc([{ at: 0, pages: 1 }])), 'steps[0].op', /^required; expected one of mmap, munmap/)
    expectError(loadScenario({ format: 'vma-scenario/1' }), 'steps', 'required')
  })

  it('discriminates backing by kind', () => {
    expectError(loadScenario(doc([anonMmap(0, 1, { backing: { kind: 'file' } })])), 'steps[0].backing.file', 'required')
    expectError(
      loadScenario(doc([anonMmap(0, 1, { backing: { kind: 'anonn' } })])),
      'steps[0].backing.kind',
      'unknown backing kind "anonn"; expected one of anon, file, shmem, device, secretmem, perf, io_uring',
    )
    expectError(
      loadScenario(doc([anonMmap(0, 1, { backing: { kind: 'file', file: 'f', fs: 'btrfs' } })])),
      'steps[0].backing.fs',
      'unknown file system "btrfs"; expected one of ext4, tmpfs, overlayfs',
    )
  })

  it('reports the first bad field in document order, whichever rule finds it', () => {
    const missingAt = { ...anonMmap(0), at: undefined }
    const badProt = anonMmap(8, 1, { prot: 'xxx' })
    expectError(loadScenario(doc([anonMmap(0), missingAt, anonMmap(4), badProt])), 'steps[1].at')
    expectError(loadScenario(doc([anonMmap(0), badProt, anonMmap(4), missingAt])), 'steps[1].prot')
    // within one step, fields are ordered as the format lists them: at before prot
    expectError(loadScenario(doc([{ ...badProt, at: undefined }])), 'steps[0].at')
  })

  it('names a step that is not an object', () => {
    expectError(loadScenario(doc([5])), 'steps[0]', 'expected a step (an object with the field "op"), got 5')
    expectError(loadScenario(doc('x' as unknown as unknown[])), 'steps', 'expected a list of steps, got "x"')
  })
})

describe('loadScenario: numbers', () => {
  it('accepts zero pages (the engine answers it, like the kernel)', () => {
    const scenario = expectLoaded(loadScenario(doc([anonMmap(0, 0), { op: 'munmap', at: 0, pages: 0 }])))
    expect(scenario.steps[0]).toMatchObject({ pages: 0 })
  })

  it('accepts a range up to the end of the largest window (2^35 pages)', () => {
    const scenario = expectLoaded(loadScenario(doc([anonMmap(MAX_WINDOW_PAGES - 2, 2)], { windowPages: MAX_WINDOW_PAGES })))
    expect(scenario.steps[0]).toMatchObject({ at: 2 ** 35 - 2, pages: 2 })
    expectLoaded(loadScenario(doc([{ op: 'brk', pages: MAX_PAGE_VALUE }], { windowPages: 16, brkBase: 4 })))
  })

  it('rejects a page count above 2^36 and says how big the address space is', () => {
    expectError(
      loadScenario(doc([anonMmap(0, MAX_PAGE_VALUE + 1)])),
      'steps[0].pages',
      `${2 ** 36 + 1} is too large: the limit is 2^36 (68719476736) pages; the whole 47-bit user address space is 2^35 (34359738368) pages`,
    )
    expectError(loadScenario(doc([anonMmap(0, 1e300)])), 'steps[0].pages', /2\^35/)
    expectError(loadScenario(doc([{ op: 'mremap', at: 0, pages: 1, newPages: 2, to: 2 ** 37 }])), 'steps[0].to', /too large/)
  })

  it('refuses a range outside the window as a scenario problem that names the window (not an errno)', () => {
    expectError(
      loadScenario(doc([anonMmap(0, 2), anonMmap(64, 1)], { windowPages: 64 })),
      'steps[1].at',
      "the range [64,65) runs outside the scenario's window, pages [0,64) (windowPages 64): nothing exists there. Make windowPages at least 65, or keep the range inside the window",
    )
    expectError(loadScenario(doc([{ op: 'mprotect', at: 1020, pages: 8, prot: 'r--' }])), 'steps[0].pages', /\[1020,1028\) runs outside the scenario's window, pages \[0,1024\)/)
    expectError(loadScenario(doc([{ op: 'mremap', at: 0, pages: 1, newPages: 4, to: 62 }], { windowPages: 64 })), 'steps[0].newPages', /the destination \[62,66\)/)
    expectLoaded(loadScenario(doc([anonMmap(62, 2), { op: 'munmap', at: 0, pages: 64 }], { windowPages: 64 })))
  })

  it('says what a hex address in a page field needs', () => {
    expectError(loadScenario(doc([anonMmap('0x7f0000002010' as unknown as number)])), 'steps[0].at', /got the hex address "0x7f0000002010": a scenario counts pages from the window's base/)
  })

  it('refuses a device path as a file, pointing to the device backing', () => {
    expectError(
      loadScenario(doc([anonMmap(0, 2, { backing: { kind: 'file', file: '/dev/zero' } })])),
      'steps[0].backing.file',
      '"/dev/zero" is a device, not a regular file: a "file" backing simulates an ext4 file. Use { "kind": "device", "file": "/dev/zero" } (its driver\'s .mmap hook is what the kernel calls)',
    )
    expectError(loadScenario(doc([anonMmap(0, 2, { backing: { kind: 'file', file: '/dev/mem', pgoff: 16 } })])), 'steps[0].backing.file', /"kind": "device", "file": "\/dev\/mem", "pgoff": 16/)
    expectError(loadScenario(doc([], { initial: { vmas: [{ start: 0, end: 1, prot: 'r--', share: 'private', backing: 'file', file: '/dev/fb0' }] } })), 'initial.vmas[0].file', /device/)
    // Regular files that live under /dev: tmpfs and hugetlbfs mounts.
    expectLoaded(loadScenario(doc([anonMmap(0, 2, { backing: { kind: 'file', file: '/dev/shm/data', fs: 'tmpfs' } })])))
  })

  it('rejects negative, fractional, non-finite and non-numeric values', () => {
    expectError(loadScenario(doc([anonMmap(-1)])), 'steps[0].at', 'expected a page number ≥ 0, got -1')
    expectError(loadScenario(doc([anonMmap(0, 1.5)])), 'steps[0].pages', 'expected a number of pages (a whole number ≥ 0), got 1.5')
    expectError(loadScenario(doc([anonMmap(0, '3' as unknown as number)])), 'steps[0].pages', 'expected a number of pages (a whole number ≥ 0), got "3"')
    expectError(loadScenario(doc([anonMmap(0, Number.NaN)])), 'steps[0].pages', /got NaN/)
    expectError(loadScenario(doc([anonMmap(0, Number.POSITIVE_INFINITY)])), 'steps[0].pages', /got Infinity/)
    expectError(
      loadScenario(doc([anonMmap(0, 1, { backing: { kind: 'shmem', file: 'm', pgoff: -3 } })])),
      'steps[0].backing.pgoff',
      /≥ 0, got -3/,
    )
  })

  it('bounds windowPages to 1 … 2^35', () => {
    expectError(loadScenario(doc([], { windowPages: 0 })), 'windowPages', 'the window must hold at least 1 page, got 0')
    expectError(loadScenario(doc([], { windowPages: MAX_WINDOW_PAGES + 1 })), 'windowPages', /whole 47-bit user address space/)
    expect(expectLoaded(loadScenario(doc([], { windowPages: MAX_WINDOW_PAGES }))).windowPages).toBe(2 ** 35)
  })

  it('bounds maxMapCount to an int', () => {
    expect(expectLoaded(loadScenario(doc([], { maxMapCount: 100 }))).maxMapCount).toBe(100)
    expectError(loadScenario(doc([], { maxMapCount: 2 ** 31 })), 'maxMapCount', /too large/)
  })
})

describe('loadScenario: absurd sizes fail fast with a clear message', () => {
  it('refuses more than 1,000,000 steps without looking at them', () => {
    const fork = { op: 'fork' }
    const started = performance.now()
    expectError(loadScenario(doc(new Array(MAX_STEPS + 1).fill(fork))), 'steps', /1,000,001 steps is more than the limit of 1,000,000/)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('refuses JSON text above 64 MiB', () => {
    const text = `${' '.repeat(MAX_JSON_BYTES)}{}`
    expectError(loadScenario(text), '', /larger than 64 MiB/)
  })

  it('refuses deeply nested JSON text instead of overflowing the stack', () => {
    expectError(loadScenario('['.repeat(1_000_000)), '', /nests more than 64 levels/)
    expectError(loadScenario(`{"format":"vma-scenario/1","steps":[],"x":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`), '', /nests more/)
  })

  it('says what is wrong with text that is not JSON at all, not that it nests deep (1 MB of random bytes)', () => {
    let seed = 17
    const bytes = new Uint8Array(1_000_000).map(() => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24)
    const text = new TextDecoder('utf-8').decode(bytes)
    // Random bytes hold far more than 64 unclosed [ and { outside any string: the old check said "nests".
    const loaded = loadScenario(text)
    expect(loaded.ok).toBe(false)
    expect(loaded.ok ? '' : loaded.text).toMatch(/^invalid JSON at line \d+, column \d+: /)
    expect(loaded.ok ? '' : loaded.text).not.toMatch(/nests/)
    // Valid JSON that does go too deep is still told so, and a syntax error past the 64th level is the nesting.
    expectError(loadScenario(`${'['.repeat(100)}${']'.repeat(100)}`), '', /nests more than 64 levels/)
    expectError(loadScenario(`${'['.repeat(100)}tru`), '', /nests more than 64 levels/)
    expectError(loadScenario(`${'['.repeat(10)}tru${'['.repeat(100)}`), '', /^invalid JSON at line 1, column 11: expected a value/)
  })

  it('a whole-document error is the message alone, with no path and no bare ": " before it', () => {
    const loaded = loadScenario('{"format": ')
    expect(loaded.ok).toBe(false)
    if (loaded.ok) return
    expect(loaded.error.path).toBe('')
    expect(loaded.text).toBe(loaded.error.message)
    expect(loaded.text).toMatch(/^invalid JSON at line 1/)
  })

  it('survives deep and cyclic values passed in directly (unknown parts are never walked)', () => {
    let deep: Record<string, unknown> = {}
    for (let i = 0; i < 100_000; i++) deep = { inner: deep }
    const cyclic: Record<string, unknown> = doc([anonMmap(0)])
    cyclic.self = cyclic
    ;(cyclic.steps as Array<Record<string, unknown>>)[0]!.deep = deep
    const result = loadScenario(cyclic)
    expect(expectLoaded(result).steps).toHaveLength(1)
    expect(result.ok && result.warnings).toEqual(['ignored unknown fields: steps[0].deep, self'])
  })

  it('turns a throwing getter into an error instead of throwing', () => {
    const hostile = doc([])
    Object.defineProperty(hostile, 'title', { enumerable: true, get: () => { throw new Error('boom') } })
    expectError(loadScenario(hostile), '', /boom/)
  })
})

describe('loadScenario: defaults and cross-field rules', () => {
  it('fills every default', () => {
    const scenario = expectLoaded(
      loadScenario(
        doc([
          anonMmap(0, 1, { backing: { kind: 'file', file: 'f' } }),
          anonMmap(1, 1, { backing: { kind: 'shmem', file: 'm' } }),
          anonMmap(2, 1, { backing: { kind: 'device', file: '/dev/x' } }),
          { op: 'touch', at: 0, pages: 1 },
        ]),
      ),
    )
    expect(scenario).toStrictEqual({
      format: 'vma-scenario/3',
      windowPages: 1024,
      placement: 'fixed',
      steps: [
        { op: 'mmap', at: 0, pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'file', file: 'f', pgoff: 0, fs: 'ext4' } },
        { op: 'mmap', at: 1, pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'shmem', file: 'm', pgoff: 0 } },
        {
          op: 'mmap', at: 2, pages: 1, prot: 'rw-', share: 'private',
          backing: { kind: 'device', file: '/dev/x', pgoff: 0, hook: 'mmap', setsFlags: [] },
        },
        { op: 'touch', at: 0, pages: 1, write: false },
      ],
    })
  })

  it('needs at on every mmap when placement is fixed (the default), not when it is kernel', () => {
    const unplaced = { op: 'mmap', pages: 1, prot: 'r--', share: 'private', backing: { kind: 'anon' } }
    expectError(loadScenario(doc([anonMmap(0), unplaced])), 'steps[1].at', /required when placement is "fixed"/)
    expectError(loadScenario(doc([unplaced], { placement: 'fixed' })), 'steps[0].at')
    expect(expectLoaded(loadScenario(doc([unplaced], { placement: 'kernel' }))).steps[0]).not.toHaveProperty('at')
  })

  it('needs brkBase when a brk step exists', () => {
    expectError(loadScenario(doc([anonMmap(0), { op: 'brk', pages: 4 }])), 'brkBase', /required, because steps\[1\] is a brk/)
    expect(expectLoaded(loadScenario(doc([{ op: 'brk', pages: 4 }], { brkBase: 100 }))).brkBase).toBe(100)
  })

  it('knows the flags a device hook can set and the extra mmap flags', () => {
    const device = (setsFlags: unknown) => anonMmap(0, 1, { backing: { kind: 'device', file: 'd', setsFlags } })
    expectLoaded(loadScenario(doc([device([...HOOK_SETTABLE_FLAGS])])))
    expectError(loadScenario(doc([device(['VM_PFNMAP', 'VM_MERGEABLE'])])), 'steps[0].backing.setsFlags[1]', /unknown VM flag "VM_MERGEABLE"/)
    expectError(loadScenario(doc([device('VM_IO')])), 'steps[0].backing.setsFlags', /expected a list/)
    expectLoaded(loadScenario(doc([anonMmap(0, 1, { mapFlags: [...MAP_FLAGS] })])))
    expectError(loadScenario(doc([anonMmap(0, 1, { mapFlags: ['MAP_SHARED'] })])), 'steps[0].mapFlags[0]', /unknown mmap flag "MAP_SHARED"; expected one of MAP_NORESERVE/)
  })

  it('accepts only device flags the engine models as set by a hook', () => {
    for (const flag of HOOK_SETTABLE_FLAGS) {
      expect(flagFromName(flag), flag).toBeDefined()
      expect(ENGINE_HOOK_FLAGS, flag).toContain(flag)
    }
  })

  it('drops unknown fields and names them in a warning', () => {
    const result = loadScenario({ ...doc([anonMmap(0, 1, { colour: 'red', backing: { kind: 'anon', huge: true } })]), author: 'me' })
    const scenario = expectLoaded(result)
    expect(scenario).not.toHaveProperty('author')
    expect(scenario.steps[0]).not.toHaveProperty('colour')
    expect(result.ok && result.warnings).toEqual(['ignored unknown fields: steps[0].backing.huge, steps[0].colour, author'])
  })

  it('loads a document without format, with a warning', () => {
    const result = loadScenario({ steps: [] })
    expect(expectLoaded(result).format).toBe('vma-scenario/3')
    expect(result.ok && result.warnings).toEqual(['no "format" field; read as "vma-scenario/3"'])
  })
})

describe('loadScenario: format versions and JSON text', () => {
  it('says a newer format comes from a newer vmascope', () => {
    expectError(loadScenario({ format: 'vma-scenario/4', steps: [] }), 'format', /"vma-scenario\/4" comes from a newer vmascope; this one reads "vma-scenario\/3" and older/)
  })

  it('upgrades a vma-scenario/1 document to vma-scenario/3, steps and all, without a warning', () => {
    const v1 = { format: 'vma-scenario/1', windowPages: 64, steps: [anonMmap(0, 2), { op: 'madvise', at: 0, pages: 2, advice: 'MADV_MERGEABLE' }] }
    const result = loadScenario(JSON.stringify(v1))
    const scenario = expectLoaded(result)
    expect(scenario.format).toBe('vma-scenario/3')
    expect(scenario.steps).toEqual([{ op: 'mmap', at: 0, pages: 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }, { op: 'madvise', at: 0, pages: 2, advice: 'MADV_MERGEABLE' }])
    expect(result.ok && result.warnings).toEqual([])
  })

  it('reads the version-2 vocabulary: flag advices and MAP_STACK', () => {
    const scenario = expectLoaded(loadScenario({ format: 'vma-scenario/2', steps: [anonMmap(0, 2, { mapFlags: ['MAP_STACK'] }), { op: 'madvise', at: 0, pages: 1, advice: 'MADV_DONTFORK' }] }))
    expect(scenario.steps[0]).toMatchObject({ mapFlags: ['MAP_STACK'] })
    expect(scenario.steps[1]).toMatchObject({ advice: 'MADV_DONTFORK' })
    expectError(loadScenario({ format: 'vma-scenario/2', steps: [{ op: 'madvise', at: 0, pages: 1, advice: 'MADV_REMOVE' }] }), 'steps[0].advice', /unknown advice "MADV_REMOVE"; expected one of MADV_MERGEABLE, MADV_UNMERGEABLE, MADV_NORMAL/)
  })

  it('rejects an unknown format', () => {
    expectError(loadScenario({ format: 'speedscope', steps: [] }), 'format', 'unknown format "speedscope"; expected "vma-scenario/3"')
    expectError(loadScenario({ format: 'vma-scenario/0', steps: [] }), 'format', /unknown format/)
  })

  it('rejects a document that is not an object', () => {
    for (const value of [null, 5, 'null', '[]', [], true]) expectError(loadScenario(value), '', /expected a scenario object/)
  })

  it('reads JSON text, with or without a byte-order mark', () => {
    const text = JSON.stringify(doc([anonMmap(0)]))
    expect(expectLoaded(loadScenario(text)).steps).toHaveLength(1)
    expect(expectLoaded(loadScenario(`\uFEFF${text}`)).steps).toHaveLength(1)
  })

  it('gives the line and column of a JSON syntax error', () => {
    expectError(loadScenario('{\n  "format": "vma-scenario/1",\n  "steps": [ tru ]\n}'), '', /^invalid JSON at line 3, column 14: expected a value/)
    expectError(loadScenario('{"steps": [],}'), '', 'invalid JSON at line 1, column 14: expected a property name in double quotes; found "}"')
    expectError(loadScenario('{"steps": ['), '', /line 1, column 12: expected a value .*; the text ends/)
    expectError(loadScenario('{"title": "a\nb"}'), '', /line 1, column 13: a control character/)
    expectError(loadScenario(''), '', /line 1, column 1/)
  })
})

// ---------------------------------------------------------------- properties

const pageArb = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: MAX_PAGE_VALUE }))
const protArb = fc.constantFrom('---', 'r--', 'rw-', 'r-x', 'rwx', '-w-', '--x', '-wx')
const nameArb = fc.string({ maxLength: 8 })

const backingArb: fc.Arbitrary<Backing> = fc.oneof(
  fc.constant({ kind: 'anon' as const }),
  fc.record(
    {
      kind: fc.constant('file' as const),
      file: nameArb,
      pgoff: pageArb,
      fs: fc.constantFrom('ext4' as const, 'tmpfs' as const, 'overlayfs' as const),
      hook: fc.constantFrom('mmap' as const, 'mmap_prepare' as const),
    },
    { requiredKeys: ['kind', 'file', 'pgoff', 'fs'] },
  ),
  fc.record({ kind: fc.constant('shmem' as const), file: nameArb, pgoff: pageArb }),
  fc.record({
    kind: fc.constant('device' as const),
    file: nameArb,
    pgoff: pageArb,
    hook: fc.constantFrom('mmap' as const, 'mmap_prepare' as const),
    setsFlags: fc.subarray([...HOOK_SETTABLE_FLAGS]),
  }),
)

function stepArb(placement: 'fixed' | 'kernel'): fc.Arbitrary<Step> {
  const range = { at: pageArb, pages: pageArb }
  return fc.oneof(
    fc.record(
      {
        op: fc.constant('mmap' as const),
        name: nameArb,
        at: pageArb,
        pages: pageArb,
        prot: protArb,
        share: fc.constantFrom('private' as const, 'shared' as const),
        backing: backingArb,
        mapFlags: fc.subarray([...MAP_FLAGS]),
      },
      { requiredKeys: placement === 'fixed' ? ['op', 'at', 'pages', 'prot', 'share', 'backing'] : ['op', 'pages', 'prot', 'share', 'backing'] },
    ),
    fc.record({ op: fc.constant('munmap' as const), ...range }),
    fc.record({ op: fc.constant('mprotect' as const), ...range, prot: protArb }),
    fc.record({ op: fc.constant('madvise' as const), ...range, advice: fc.constantFrom('MADV_MERGEABLE' as const, 'MADV_UNMERGEABLE' as const) }),
    fc.record({ op: fc.constant('prctl' as const), option: fc.constant('PR_SET_MEMORY_MERGE' as const), value: fc.nat() }),
    fc.record({ op: fc.constant('brk' as const), pages: pageArb }),
    fc.record({ op: fc.constant('touch' as const), ...range, write: fc.boolean() }),
    fc.constant({ op: 'fork' as const }),
    fc.record(
      { op: fc.constant('mremap' as const), ...range, newPages: pageArb, to: pageArb, mayMove: fc.boolean() },
      { requiredKeys: ['op', 'at', 'pages', 'newPages'] },
    ),
  )
}

/** A valid scenario in normalised form: every default written out. */
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .constantFrom('fixed' as const, 'kernel' as const)
  .chain((placement) =>
    fc.record(
      {
        format: fc.constant('vma-scenario/3' as const),
        title: fc.string(),
        notes: fc.string(),
        windowPages: fc.integer({ min: 1, max: MAX_WINDOW_PAGES }),
        placement: fc.constant(placement),
        brkBase: pageArb,
        maxMapCount: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        steps: fc.array(stepArb(placement), { maxLength: 12 }),
      },
      { requiredKeys: ['format', 'windowPages', 'placement', 'steps'] },
    ),
  )
  .map((scenario) =>
    scenario.steps.some((step) => step.op === 'brk') && scenario.brkBase === undefined ? { ...scenario, brkBase: 0 } : scenario,
  )
  // Every range a step names inside the window (steps-rules: the loader refuses one outside it).
  .map((scenario) => ({ ...scenario, steps: insideWindow(scenario.steps, scenario.windowPages) }))

/** fast-check builds records without a prototype; the loader returns plain objects. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

/** Drops the fields that hold their default value; loading must put them back. */
function withoutDefaults(scenario: Scenario): unknown {
  const { windowPages, placement, ...rest } = scenario
  return {
    ...rest,
    ...(windowPages === 1024 ? {} : { windowPages }),
    ...(placement === 'fixed' ? {} : { placement }),
    steps: scenario.steps.map((step) => {
      if (step.op === 'touch' && !step.write) return { op: step.op, at: step.at, pages: step.pages }
      if (step.op !== 'mmap') return step
      const backing: Record<string, unknown> = { ...step.backing }
      if (backing.pgoff === 0) delete backing.pgoff
      if (backing.kind === 'file' && backing.fs === 'ext4') delete backing.fs
      if (backing.kind === 'device' && backing.hook === 'mmap') delete backing.hook
      if (backing.kind === 'device' && (backing.setsFlags as string[]).length === 0) delete backing.setsFlags
      return { ...step, backing }
    }),
  }
}

describe('loadScenario: properties', () => {
  it('round-trips every valid scenario through JSON unchanged', () => {
    fc.assert(
      fc.property(scenarioArb, (generated) => {
        const scenario = plain(generated)
        const result = loadScenario(JSON.parse(JSON.stringify(scenario)))
        expect(result).toStrictEqual({ ok: true, scenario, warnings: [] })
        expect(loadScenario(JSON.stringify(scenario))).toStrictEqual(result)
      }),
    )
  })

  it('fills the defaults a document leaves out', () => {
    fc.assert(
      fc.property(scenarioArb, (generated) => {
        const scenario = plain(generated)
        expect(loadScenario(JSON.parse(JSON.stringify(withoutDefaults(scenario))))).toStrictEqual({ ok: true, scenario, warnings: [] })
      }),
    )
  })

  it('never throws on random junk, and every failure names a path and a reason', () => {
    const check = (input: unknown) => {
      const result = loadScenario(input)
      if (!result.ok) {
        expect(result.error.message.length).toBeGreaterThan(0)
        expect(result.text).toBe(result.error.path === '' ? result.error.message : `${result.error.path}: ${result.error.message}`)
      }
    }
    fc.assert(fc.property(fc.anything(), check))
    fc.assert(fc.property(fc.string(), check))
    fc.assert(fc.property(fc.json(), check))
  })

  it('never throws when one field of a valid scenario is replaced by junk', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(), fc.anything(), (scenario, pick, junk) => {
        const value = JSON.parse(JSON.stringify(scenario)) as Record<string, unknown>
        const targets: Array<Record<string, unknown>> = [value, ...(value.steps as Array<Record<string, unknown>>)]
        const target = targets[pick % targets.length]!
        const keys = Object.keys(target)
        target[keys[pick % keys.length]!] = junk
        const result = loadScenario(value)
        expect(typeof result.ok).toBe('boolean')
      }),
    )
  })
})
