import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { createExplorerStore } from '../store/explorer-store'
import { loadGalleryScenario } from '../scenario/gallery'
import type { Scenario, Step } from '../scenario/types'
import { openWorkDb } from './kv'
import { CHUNK_ITEMS, readScenario, writeScenario } from './scenario-chunks'
import { Persistence } from './persistence'
import { WORKING_SCENARIO_KEY } from './working-state'

let dbCount = 0
const freshDb = () => openWorkDb(`test-${++dbCount}`, 'work')

function bigScenario(steps: number): Scenario {
  const list: Step[] = []
  for (let i = 0; i < steps; i++) list.push({ op: 'mprotect', at: i % 100, pages: 1, prot: i % 2 ? 'r--' : 'rw-' })
  return {
    format: 'vma-scenario/3',
    title: 'big',
    windowPages: 1024,
    placement: 'fixed',
    initial: { vmas: [{ start: 0, end: 100, prot: 'rw-', share: 'private', backing: 'anon' }] },
    steps: list,
  }
}

const seed = () => {
  const loaded = loadGalleryScenario('seed')
  if (!loaded.ok) throw new Error('seed')
  return loaded.scenario
}

/** An edit as the editor makes it (edit-history.ts): a new scenario object, edited. */
function edit(store: ReturnType<typeof createExplorerStore>, title: string) {
  const scenario = { ...store.getState().scenario, title }
  store.setState({ scenario, edited: true, source: { kind: 'file', name: `${title} (edited)` } })
  return scenario
}

describe('scenario chunks', () => {
  it('stores a scenario larger than a chunk and reads back the same', async () => {
    const db = freshDb()
    const scenario = bigScenario(CHUNK_ITEMS * 2 + 17)
    await writeScenario(db, 'x', scenario)
    expect(await readScenario(db, 'x')).toEqual(scenario)
    const smaller = bigScenario(5)
    await writeScenario(db, 'x', smaller)
    expect(await readScenario(db, 'x')).toEqual(smaller)
    // The first version's chunks are gone.
    expect(await db.get(`x/unknown`)).toBeUndefined()
  })

  it('two writes in a row leave the second', async () => {
    const db = freshDb()
    const a = bigScenario(3)
    const b = bigScenario(4)
    await Promise.all([writeScenario(db, 'k', a), writeScenario(db, 'k', b)])
    expect(await readScenario(db, 'k')).toEqual(b)
  })
})

describe('persistence', () => {
  it('restores an edited scenario and the step after a "reload"', async () => {
    const db = freshDb()
    const first = new Persistence(db)
    const store = createExplorerStore()
    await first.restoreAtStart(store, { linkOpened: false, address: '' })
    const autosave = first.startAutosave(store)
    const edited = edit(store, 'my change')
    store.getState().goToStep(1)
    await autosave.flush()
    autosave.stop()

    const again = createExplorerStore()
    const outcome = await new Persistence(db).restoreAtStart(again, { linkOpened: false, address: '' })
    expect(outcome).toBe('restored')
    expect(again.getState().scenario).toEqual(edited)
    expect(again.getState().step).toBe(1)
    expect(again.getState().edited).toBe(true)
  })

  it('saves only a reference for an unedited built-in scenario', async () => {
    const db = freshDb()
    const p = new Persistence(db)
    const store = createExplorerStore()
    const autosave = p.startAutosave(store)
    store.getState().openGalleryScenario('stress-65530')
    store.getState().goToStep(7)
    await autosave.flush()
    expect(await readScenario(db, WORKING_SCENARIO_KEY)).toBeNull()
    const again = createExplorerStore()
    await new Persistence(db).restoreAtStart(again, { linkOpened: false, address: '' })
    expect(again.getState().source).toEqual({ kind: 'gallery', id: 'stress-65530' })
    expect(again.getState().scenario.steps.length).toBe(65530)
    expect(again.getState().step).toBe(7)
  })

  it('keeps an edited scenario in My scenarios when another is opened', async () => {
    const p = new Persistence(freshDb())
    const store = createExplorerStore()
    await p.library.load()
    const autosave = p.startAutosave(store)
    const edited = edit(store, 'work in progress')
    store.getState().openGalleryScenario('brk')
    await autosave.flush()
    expect(p.library.entries.map((e) => e.name)).toEqual(['work in progress (edited)'])
    expect(await p.library.open(p.library.entries[0]!.id)).toEqual(edited)
    expect(p.library.state.getState().notice).toMatch(/kept in My scenarios/)
  })

  it('a link opened over unkept edits keeps them first', async () => {
    const db = freshDb()
    const first = new Persistence(db)
    const store = createExplorerStore()
    const autosave = first.startAutosave(store)
    const edited = edit(store, 'unsaved')
    await autosave.flush()

    const linked = createExplorerStore()
    linked.getState().openGalleryScenario('brk')
    const p = new Persistence(db)
    expect(await p.restoreAtStart(linked, { linkOpened: true, address: '#v1.other' })).toBe('link-kept-work')
    expect(linked.getState().source).toEqual({ kind: 'gallery', id: 'brk' })
    expect(p.library.entries).toHaveLength(1)
    expect(await p.library.open(p.library.entries[0]!.id)).toEqual(edited)
  })

  it('edits of a kept scenario go into it; rename, duplicate, delete', async () => {
    const p = new Persistence(freshDb())
    const store = createExplorerStore()
    await p.library.load()
    const autosave = p.startAutosave(store)
    const id = await p.keepCurrent(store)
    expect(store.getState().workId).toBe(id)
    const edited = edit(store, 'kept and edited')
    await autosave.flush()
    expect(await p.library.open(id)).toEqual(edited)
    await p.library.rename(id, 'renamed')
    const copy = await p.library.duplicate(id)
    expect(p.library.entries.map((e) => e.name)).toEqual(['renamed (copy)', 'renamed'])
    expect(await p.library.open(copy!)).toEqual(edited)
    await p.deleteKept(store, id)
    expect(p.library.has(id)).toBe(false)
    expect(store.getState().workId).toBeNull()
    expect(await p.library.open(id)).toBeNull()
    // The index survives a new page.
    const later = new Persistence(p.db)
    await later.library.load()
    expect(later.library.entries.map((e) => e.name)).toEqual(['renamed (copy)'])
  })

  it('opens a kept scenario as its own work', async () => {
    const p = new Persistence(freshDb())
    const store = createExplorerStore()
    await p.library.load()
    const id = await p.library.keep(seed(), 'seed copy')
    store.getState().openGalleryScenario('brk')
    expect(await p.openKept(store, id)).toBe(true)
    expect(store.getState().workId).toBe(id)
    expect(store.getState().scenario).toEqual(seed())
  })
})
