/**
 * Saves the work as the user works: subscribes to the explorer store and
 * writes the working record (working-state.ts) a moment after each change,
 * the scenario only when it changed, and an edit of a kept scenario into
 * "My scenarios". All writes go one after another through one queue.
 *
 * Switching away from an edited scenario that is not kept (a built-in
 * scenario picked, a file or link opened, a paste) first keeps it in
 * "My scenarios" and says so: work is never dropped silently.
 */
import type { ExplorerState, ExplorerStore } from '../store/explorer-store'
import type { WorkDb } from './kv'
import type { ScenarioLibrary } from './library'
import { recordOf, refOf, titleOf, writeWorkingRecord, writeWorkingScenario } from './working-state'

/** Quiet time before the small record is written (a run of steps makes one write). */
export const VIEW_SAVE_DELAY_MS = 300
/** Quiet time before a changed scenario is written (typing in the editor makes one write). */
export const SCENARIO_SAVE_DELAY_MS = 600

export interface AutosaveOptions {
  /** The address the record is saved with (location.hash in the page). */
  address?: () => string
}

export interface Autosave {
  /** Writes whatever is pending now; resolves when it is in the database. */
  flush(): Promise<void>
  stop(): void
}

/** Keeps `state`'s edited scenario in "My scenarios" (when it is not there yet); returns the id. */
export async function keepEdited(library: ScenarioLibrary, state: ExplorerState): Promise<string> {
  const name = `${titleOf(state).replace(/ \(edited\)$/, '')} (edited)`
  const id = await library.keep(state.scenario, name)
  library.setNotice(`Your edited scenario is kept in My scenarios as “${library.nameOf(id) ?? name}”.`)
  return id
}

export function startAutosave(store: ExplorerStore, db: WorkDb, library: ScenarioLibrary, options: AutosaveOptions = {}): Autosave {
  const address = options.address ?? (() => '')
  let queue: Promise<void> = Promise.resolve()
  let viewTimer: ReturnType<typeof setTimeout> | undefined
  let scenarioTimer: ReturnType<typeof setTimeout> | undefined
  /** The scenario object last written (or that needs no write); identity tells whether it changed. */
  let savedScenario = store.getState().scenario
  let scenarioPending = refOf(store.getState()).kind !== 'gallery'

  const enqueue = (write: () => Promise<void>) => {
    queue = queue.then(write).catch((error) => {
      library.state.setState({ failure: `Saving your work failed (${error instanceof Error ? error.message : String(error)}).` })
    })
    return queue
  }

  const writeScenarioNow = () => {
    clearTimeout(scenarioTimer)
    scenarioTimer = undefined
    if (!scenarioPending) return queue
    scenarioPending = false
    const state = store.getState()
    const ref = refOf(state)
    savedScenario = state.scenario
    if (ref.kind === 'saved') return enqueue(() => library.save(ref.id, state.scenario))
    if (ref.kind === 'stored') return enqueue(() => writeWorkingScenario(db, state.scenario))
    return queue
  }

  const writeRecordNow = () => {
    clearTimeout(viewTimer)
    viewTimer = undefined
    // The record may point at the scenario: write that first, in the same queue.
    writeScenarioNow()
    const record = recordOf(store.getState(), address())
    return enqueue(() => writeWorkingRecord(db, record))
  }

  const unsubscribe = store.subscribe((state, previous) => {
    if (state.scenario !== previous.scenario) {
      const isEdit = state.edited && state.workId === previous.workId
      if (!isEdit && previous.edited) {
        if (previous.workId) {
          // Already kept: make sure its last edit is in.
          if (scenarioPending && savedScenario !== previous.scenario) {
            const { workId, scenario } = previous
            void enqueue(() => library.save(workId, scenario))
          }
        } else {
          void enqueue(async () => {
            await keepEdited(library, previous)
          })
        }
      }
      if (state.scenario !== savedScenario) {
        scenarioPending = refOf(state).kind !== 'gallery'
        if (!scenarioPending) savedScenario = state.scenario
        clearTimeout(scenarioTimer)
        scenarioTimer = setTimeout(() => void writeScenarioNow(), isEdit ? SCENARIO_SAVE_DELAY_MS : 0)
      }
    } else if (state.workId !== previous.workId && state.workId) {
      // Just kept: the library has the scenario now; the record points there.
      scenarioPending = false
      savedScenario = state.scenario
    }
    clearTimeout(viewTimer)
    viewTimer = setTimeout(() => void writeRecordNow(), VIEW_SAVE_DELAY_MS)
  })

  return {
    flush: () => writeRecordNow(),
    stop() {
      unsubscribe()
      clearTimeout(viewTimer)
      clearTimeout(scenarioTimer)
    },
  }
}
