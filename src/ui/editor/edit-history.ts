/**
 * Undo and redo for the scenario editor: two stacks of scenarios around the
 * store's current one. Scenarios are plain data, so nothing here would stop
 * the store from being serialised; the history itself lives beside the store
 * (one per store), not in it.
 *
 * Typing in one field makes one entry, not one per key: a change with the
 * same `groupKey` as the previous one within GROUP_MS replaces nothing on the
 * undo stack. A scenario change that does not come from the editor (opening
 * a gallery scenario, a file, a link) clears the history.
 */
import type { Scenario } from '../../scenario/types'
import type { ExplorerStore } from '../../store/explorer-store'

const LIMIT = 200
const GROUP_MS = 1200

export class EditHistory {
  private past: Scenario[] = []
  private future: Scenario[] = []
  private lastKey: string | null = null
  private lastAt = 0
  private expected: Scenario | null = null
  private readonly listeners = new Set<() => void>()
  private version = 0

  constructor(private readonly store: ExplorerStore) {
    store.subscribe((state, previous) => {
      if (state.scenario === previous.scenario || state.scenario === this.expected) return
      this.past = []
      this.future = []
      this.lastKey = null
      this.changed()
    })
  }

  /** Puts `next` into the store as the current scenario; `step` is where the view goes. */
  commit(next: Scenario, options: { groupKey?: string; step?: number } = {}): void {
    const { scenario } = this.store.getState()
    const now = Date.now()
    const grouped = options.groupKey !== undefined && options.groupKey === this.lastKey && now - this.lastAt < GROUP_MS
    if (!grouped) {
      this.past.push(scenario)
      if (this.past.length > LIMIT) this.past.shift()
    }
    this.future = []
    this.lastKey = options.groupKey ?? null
    this.lastAt = now
    this.apply(next, options.step)
  }

  undo(): boolean {
    const previous = this.past.pop()
    if (!previous) return false
    this.future.push(this.store.getState().scenario)
    this.lastKey = null
    this.apply(previous)
    return true
  }

  redo(): boolean {
    const next = this.future.pop()
    if (!next) return false
    this.past.push(this.store.getState().scenario)
    this.lastKey = null
    this.apply(next)
    return true
  }

  get canUndo(): boolean {
    return this.past.length > 0
  }

  get canRedo(): boolean {
    return this.future.length > 0
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getVersion = (): number => this.version

  private apply(scenario: Scenario, step?: number): void {
    const state = this.store.getState()
    this.expected = scenario
    const wanted = step ?? state.step
    const source = { kind: 'file' as const, name: `${scenario.title ?? 'scenario'} (edited)` }
    this.store.setState({
      scenario,
      source,
      scenarioError: null,
      step: Math.min(Math.max(0, wanted), scenario.steps.length),
      playing: false,
      highlight: null,
      pinnedVmaId: null,
      edited: true,
    })
    this.expected = null
    this.changed()
  }

  private changed(): void {
    this.version++
    for (const listener of this.listeners) listener()
  }
}

const histories = new WeakMap<ExplorerStore, EditHistory>()

export function editHistoryFor(store: ExplorerStore): EditHistory {
  let history = histories.get(store)
  if (!history) {
    history = new EditHistory(store)
    histories.set(store, history)
  }
  return history
}
