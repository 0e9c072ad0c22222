import { describe, expect, it } from 'vitest'
import { loadScenario } from '../../scenario/load'
import { createExplorerStore } from '../../store/explorer-store'
import { EditHistory } from './edit-history'
import { lineInMessage, lineOfPath } from './json-locate'
import { addStep, addressFromInput, addressHint, addressProblem, draftOf, duplicateStep, emptyScenarioDocument, moveStep, removeStep, setStepField, numberFromInput, OPS, type Draft } from './scenario-draft'

const empty: Draft = { format: 'vma-scenario/1', steps: [] }

describe('json-locate', () => {
  const text = JSON.stringify({ format: 'vma-scenario/1', steps: [{ op: 'fork' }, { op: 'mmap', at: 1, pages: 2, prot: 'rwz', backing: { kind: 'anon' } }] }, null, 2)
  const lineOf = (needle: string) => text.split('\n').findIndex((line) => line.includes(needle)) + 1

  it('finds the line of a field, and of its nearest parent when missing', () => {
    expect(lineOfPath(text, 'steps[1].prot')).toBe(lineOf('"rwz"'))
    expect(lineOfPath(text, 'steps[1].backing.kind')).toBe(lineOf('"anon"'))
    expect(lineOfPath(text, 'steps[1].share')).toBe(lineOf('"op": "mmap"') - 1)
    expect(lineOfPath(text, '')).toBe(1)
  })

  it('survives broken text and reads the line of a parse error', () => {
    expect(() => lineOfPath('{"steps": [ {"op": ', 'steps[0].op')).not.toThrow()
    expect(lineInMessage('invalid JSON at line 7, column 3: x')).toBe(7)
  })
})

describe('scenario draft', () => {
  it('builds a five-step scenario that loads, with defaults per operation', () => {
    let draft = empty
    for (const op of ['mmap', 'mmap', 'prctl', 'mmap', 'touch'] as const) draft = addStep(draft, op)
    const loaded = loadScenario(draft)
    expect(loaded.ok).toBe(true)
    if (loaded.ok) {
      expect(loaded.scenario.steps.map((s) => s.op)).toEqual(['mmap', 'mmap', 'prctl', 'mmap', 'touch'])
      expect(loaded.scenario.steps.filter((s) => s.op === 'mmap').map((s) => ('at' in s ? s.at : null))).toEqual([0, 2, 4])
    }
  })

  it('gives every operation a new step that loads (brk gets a brkBase)', () => {
    for (const op of OPS) expect(loadScenario(addStep(empty, op)).ok, op).toBe(true)
  })

  it('keeps what the user typed and lets loadScenario name the field', () => {
    const draft = setStepField(addStep(empty, 'mmap'), 0, 'pages', numberFromInput('2x'))
    const loaded = loadScenario(draft)
    expect(loaded.ok ? null : loaded.error.path).toBe('steps[0].pages')
  })

  it('switches backing kind with that kind’s fields, moves and removes steps', () => {
    let draft = setStepField(addStep(empty, 'mmap'), 0, 'backing.kind', 'file')
    expect(draft.steps[0]!.backing).toEqual({ kind: 'file', file: 'data.bin', pgoff: 0, fs: 'ext4' })
    draft = addStep(draft, 'fork')
    expect(moveStep(draft, 1, -1).steps.map((s) => s.op)).toEqual(['fork', 'mmap'])
    expect(moveStep(draft, 1, 1)).toBe(draft)
    expect(removeStep(draft, 0).steps.map((s) => s.op)).toEqual(['fork'])
  })
})

describe('edit history', () => {
  it('undoes and redoes editor changes, groups typing, and clears on an outside change', () => {
    const store = createExplorerStore()
    const history = new EditHistory(store)
    const original = store.getState().scenario
    const at = original.steps.findIndex((s) => 'pages' in s)
    const edit = (pages: number, groupKey?: string) => {
      const loaded = loadScenario(setStepField(draftOf(store.getState().scenario), at, 'pages', pages))
      if (!loaded.ok) throw new Error(loaded.text)
      history.commit(loaded.scenario, { groupKey })
    }
    edit(7, 'pages')
    edit(8, 'pages')
    expect(history.undo()).toBe(true)
    expect(store.getState().scenario).toBe(original)
    expect(history.redo()).toBe(true)
    expect((store.getState().scenario.steps[at] as { pages: number }).pages).toBe(8)
    expect(store.getState().source).toEqual({ kind: 'file', name: `${original.title} (edited)` })
    store.getState().openGalleryScenario('brk')
    expect(history.canUndo).toBe(false)
    expect(history.undo()).toBe(false)
  })
})

describe('quicker editing', () => {
  it('names new mappings A, B, C… and places each after the last mapping', () => {
    let draft = addStep(addStep(addStep(empty, 'mmap'), 'prctl'), 'mmap')
    expect(draft.steps.map((s) => [s.name, s.at])).toEqual([['A', 0], [undefined, undefined], ['B', 2]])
    draft = addStep(draft, 'mmap')
    expect(draft.steps[3]).toMatchObject({ name: 'C', at: 4 })
  })

  it('duplicates a step right after it; a copied mmap gets the next free name and a free place', () => {
    const draft = duplicateStep(addStep(addStep(empty, 'mmap'), 'mprotect'), 0)
    expect(draft.steps.map((s) => s.op)).toEqual(['mmap', 'mmap', 'mprotect'])
    expect(draft.steps[1]).toMatchObject({ name: 'B', at: 2, pages: 2, prot: 'rw-' })
    const again = duplicateStep(draft, 2)
    expect(again.steps[3]).toEqual(again.steps[2])
    expect(again.steps[3]).not.toBe(again.steps[2])
    expect(loadScenario({ ...again, windowPages: 64 }).ok).toBe(true)
  })

  it('starts an empty scenario that loads', () => {
    const loaded = loadScenario(emptyScenarioDocument())
    expect(loaded.ok && loaded.scenario.steps).toEqual([])
  })
})

describe('address fields: a page number or a hex address from the window base', () => {
  const base = 0x7f0000000000n
  it('a page-aligned hex address lands on its page; a page number stays a page number', () => {
    expect(addressFromInput('0x7f0000012000', base)).toBe(18)
    expect(addressFromInput(' 0X7F0000000000 ', base)).toBe(0)
    expect(addressFromInput('0x7f12345000', 0n)).toBe(0x7f12345)
    expect(addressFromInput('12', base)).toBe(12)
    expect(addressHint(18, base)).toBe('page 18 = 0x7f0000012000')
  })
  it('a misaligned, low or broken address stays text, with a message that says why', () => {
    expect(addressFromInput('0x7f0000012001', base)).toBe('0x7f0000012001')
    expect(addressProblem('0x7f0000012001', base)).toBe('0x7f0000012001 is not page-aligned: an address must be a multiple of 0x1000 (4 KiB); the page it falls in starts at 0x7f0000012000')
    expect(addressProblem('0x1000', base)).toMatch(/^0x1000 lies below the window's base 0x7f0000000000/)
    expect(addressProblem('0xzz', base)).toMatch(/is not a hex address/)
    expect(addressProblem(18, base)).toBeNull()
    // The loader refuses what stays text, at the field.
    const draft = setStepField(addStep(empty, 'mmap'), 0, 'at', addressFromInput('0x7f0000012001', base))
    const loaded = loadScenario(draft)
    expect(loaded.ok ? null : loaded.error.path).toBe('steps[0].at')
  })
})
