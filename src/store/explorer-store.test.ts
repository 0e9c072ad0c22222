import { describe, expect, it } from 'vitest'
import { createExplorerStore, DEFAULT_BASE_ADDRESS } from './explorer-store'
import { parseBaseAddress } from './base-address'
import { GALLERY } from '../scenario/gallery'

describe('explorer store', () => {
  it('opens the seed scenario on its last step', () => {
    const state = createExplorerStore().getState()
    expect(state.source).toEqual({ kind: 'gallery', id: 'seed' })
    expect(state.step).toBe(state.scenario.steps.length)
    expect(state.baseAddress).toBe(DEFAULT_BASE_ADDRESS)
  })

  it('keeps the step between 0 and the number of steps', () => {
    const store = createExplorerStore()
    const last = store.getState().scenario.steps.length
    store.getState().nextStep()
    expect(store.getState().step).toBe(last)
    store.getState().firstStep()
    store.getState().previousStep()
    expect(store.getState().step).toBe(0)
    store.getState().goToStep(1.7)
    expect(store.getState().step).toBe(1)
    store.getState().goToStep(10_000)
    expect(store.getState().step).toBe(last)
  })

  it('keeps the current scenario when a file is broken, and says where', async () => {
    const store = createExplorerStore()
    const before = store.getState().scenario
    const text = JSON.stringify({ format: 'vma-scenario/1', steps: [{ op: 'mprotect', at: 0, pages: 1, prot: 'rwz' }] })
    expect(await store.getState().openScenarioText(text, 'bad.json')).toBe(false)
    expect(store.getState().scenario).toBe(before)
    expect(store.getState().scenarioError).toMatch(/^bad\.json: steps\[0\]\.prot: /)
  })

  it('reports invalid JSON without a path prefix', async () => {
    const store = createExplorerStore()
    await store.getState().openScenarioText('{"format": ', 'cut.json')
    expect(store.getState().scenarioError).toMatch(/^cut\.json: invalid JSON at line 1/)
  })

  it('opens a valid file and clears an earlier error', async () => {
    const store = createExplorerStore()
    await store.getState().openScenarioText('nonsense', 'x.json')
    const text = JSON.stringify({ format: 'vma-scenario/1', steps: [{ op: 'prctl', option: 'PR_SET_MEMORY_MERGE', value: 1 }] })
    expect(await store.getState().openScenarioText(text, 'ok.json')).toBe(true)
    expect(store.getState().scenarioError).toBeNull()
    expect(store.getState().source).toEqual({ kind: 'file', name: 'ok.json' })
    expect(store.getState().step).toBe(1)
  })

  it('opens every gallery scenario and refuses an unknown id', () => {
    const store = createExplorerStore()
    for (const entry of GALLERY) expect(store.getState().openGalleryScenario(entry.id)).toBe(true)
    expect(store.getState().openGalleryScenario('no-such-scenario')).toBe(false)
    expect(store.getState().scenarioError).toContain('no built-in scenario "no-such-scenario"')
    expect(store.getState().source).toEqual({ kind: 'gallery', id: GALLERY[GALLERY.length - 1]!.id })
  })

  it('starts playing from the beginning when asked to play at the last step', () => {
    const store = createExplorerStore()
    store.getState().setPlaying(true)
    expect(store.getState()).toMatchObject({ playing: true, step: 0 })
  })

  it('holds only serialisable state', () => {
    const state = createExplorerStore().getState()
    const data = Object.fromEntries(Object.entries(state).filter(([, value]) => typeof value !== 'function'))
    expect(JSON.parse(JSON.stringify(data))).toEqual(data)
  })
})

describe('parseBaseAddress', () => {
  it('accepts page-aligned hex with or without 0x', () => {
    expect(parseBaseAddress('0x7F0000000000')).toMatchObject({ ok: true, value: 0x7f0000000000n, text: '0x7f0000000000' })
    expect(parseBaseAddress(' 1000 ')).toMatchObject({ ok: true, value: 0x1000n })
  })

  it('names what is wrong', () => {
    expect(parseBaseAddress('0x7f00zz')).toMatchObject({ ok: false, message: expect.stringContaining('not a hex address') })
    expect(parseBaseAddress('0x7f0000000001')).toMatchObject({ ok: false, message: expect.stringContaining('page size') })
    expect(parseBaseAddress('0x200000000000000')).toMatchObject({ ok: false, message: expect.stringContaining('57-bit') })
  })
})

describe('a scenario that says where its window lies', () => {
  it('opens at its initial.base (an imported process: 0x0, so addresses are the real ones)', async () => {
    const store = createExplorerStore()
    expect(store.getState().baseAddress).toBe(DEFAULT_BASE_ADDRESS)
    const imported = { format: 'vma-scenario/1', windowPages: 0x7f0000010, initial: { base: '0x0', vmas: [{ start: 0x7f0000000, end: 0x7f0000004, prot: 'r--', share: 'private', backing: 'anon' }] }, steps: [] }
    expect(await store.getState().openScenarioText(JSON.stringify(imported), 'smaps.json')).toBe(true)
    expect(store.getState().baseAddress).toBe('0x0')
    store.getState().openGalleryScenario('seed')
    expect(store.getState().baseAddress).toBe('0x0') // a scenario without a base keeps the user's choice
  })
})
