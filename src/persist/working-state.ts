/**
 * The work in progress: the scenario on screen and the explorer's state,
 * saved as the user works and given back after a reload or a crashed tab.
 *
 * One small record (`working`) holds the view (kernel, step, viewport, …)
 * and says where the scenario is:
 * - a built-in scenario that was not edited: only its id (the 65,530-step
 *   stress scenario costs nothing to save);
 * - a kept scenario ("My scenarios"): its id; the library holds the scenario;
 * - anything else: the scenario itself, in chunks under `working-scenario`.
 * Moving through the steps rewrites only the small record.
 */
import { loadGalleryScenario } from '../scenario/gallery'
import type { Scenario } from '../scenario/types'
import type { ExplorerState, ScenarioSource } from '../store/explorer-store'
import type { WorkDb } from './kv'
import type { ScenarioLibrary } from './library'
import { readScenario, writeScenario } from './scenario-chunks'

export const WORKING_KEY = 'working'
export const WORKING_SCENARIO_KEY = 'working-scenario'
const WORKING_VERSION = 1

export type ScenarioRef = { kind: 'gallery'; id: string } | { kind: 'saved'; id: string } | { kind: 'stored' }

/** The explorer state that is saved with the work (not hover, highlight or playback: moments, not state). */
export type SavedView = Pick<
  ExplorerState,
  'kernel' | 'compare' | 'compareKernel' | 'step' | 'axisMode' | 'baseAddress' | 'viewport' | 'pinnedVmaId'
>

export interface WorkingRecord {
  version: number
  savedAt: number
  /** location.hash when this was saved: a reload of that same address restores this record. */
  address: string
  ref: ScenarioRef
  source: ScenarioSource
  edited: boolean
  workId: string | null
  /** Title and size, for messages ("your edited scenario “…”") without reading the scenario. */
  title: string
  view: SavedView
}

/** What the store gets back from a working record. */
export type RestoredWork = Pick<ExplorerState, 'scenario' | 'source' | 'edited' | 'workId'> & SavedView

export function viewOf(state: ExplorerState): SavedView {
  const { kernel, compare, compareKernel, step, axisMode, baseAddress, viewport, pinnedVmaId } = state
  return { kernel, compare, compareKernel, step, axisMode, baseAddress, viewport, pinnedVmaId }
}

export function refOf(state: Pick<ExplorerState, 'source' | 'edited' | 'workId'>): ScenarioRef {
  if (state.workId) return { kind: 'saved', id: state.workId }
  if (state.source.kind === 'gallery' && !state.edited) return { kind: 'gallery', id: state.source.id }
  return { kind: 'stored' }
}

export function titleOf(state: Pick<ExplorerState, 'scenario' | 'source'>): string {
  return state.scenario.title || (state.source.kind === 'file' ? state.source.name : state.source.id)
}

export function recordOf(state: ExplorerState, address: string): WorkingRecord {
  return {
    version: WORKING_VERSION,
    savedAt: Date.now(),
    address,
    ref: refOf(state),
    source: state.source,
    edited: state.edited,
    workId: state.workId,
    title: titleOf(state),
    view: viewOf(state),
  }
}

export function readWorkingRecord(db: WorkDb): Promise<WorkingRecord | null> {
  return db.get<WorkingRecord>(WORKING_KEY).then((record) => (record && record.version === WORKING_VERSION ? record : null))
}

export function writeWorkingRecord(db: WorkDb, record: WorkingRecord): Promise<void> {
  return db.set(WORKING_KEY, record)
}

export function writeWorkingScenario(db: WorkDb, scenario: Scenario): Promise<void> {
  return writeScenario(db, WORKING_SCENARIO_KEY, scenario)
}

/** The scenario a record points at, or null when it is gone (a deleted kept scenario, a cleared database). */
export async function scenarioOfRecord(db: WorkDb, library: ScenarioLibrary, record: WorkingRecord): Promise<Scenario | null> {
  switch (record.ref.kind) {
    case 'gallery': {
      const loaded = loadGalleryScenario(record.ref.id)
      return loaded.ok ? loaded.scenario : null
    }
    case 'saved':
      return library.open(record.ref.id)
    case 'stored':
      return readScenario(db, WORKING_SCENARIO_KEY)
  }
}

/** The record as store state, with the step clamped to the scenario. */
export function restoredWork(record: WorkingRecord, scenario: Scenario): RestoredWork {
  const step = Math.min(Math.max(0, Math.trunc(record.view.step) || 0), scenario.steps.length)
  const workId = record.ref.kind === 'saved' ? record.ref.id : null
  return { ...record.view, step, scenario, source: record.source, edited: record.edited, workId }
}
