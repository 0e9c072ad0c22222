/**
 * The explorer's one store (zustand, vanilla): everything the page shows is a
 * function of this state plus the engine's answers.
 *
 * It holds only what can be serialised (style rule 8): the scenario, the
 * kernel(s), the current step and the view options. Worker proxies, traces and
 * VMA caches live outside it (src/ui/engine-session). The actions sit at the
 * root of the state and need no React, so tests and scripts drive the store
 * directly:
 *
 *   const store = createExplorerStore()
 *   store.getState().setKernel('6.16')
 *   store.getState().lastStep()
 */
import { createStore, type StoreApi } from 'zustand/vanilla'
import { DEFAULT_KERNEL, KERNEL_IDS, type KernelId } from '../engine/api'
import type { Scenario } from '../scenario/types'
import { DEFAULT_GALLERY_ID, loadGalleryScenario } from '../scenario/gallery'
import { parseBaseAddress } from './base-address'

export type AxisMode = 'linear' | 'compressed'
export type ThemeChoice = 'system' | 'light' | 'dark'

/** A visible page range of the address-space view, [startPage, endPage). */
export interface Viewport {
  startPage: number
  endPage: number
}

/** Ranges (in pages) that the hovered or focused check looked at. */
export interface Highlight {
  prev?: [number, number]
  next?: [number, number]
}

/** Where the current scenario came from. */
export type ScenarioSource = { kind: 'gallery'; id: string } | { kind: 'file'; name: string }

export const DEFAULT_BASE_ADDRESS = '0x7f0000000000'
/** The comparison a production user asks for first: a long-term kernel with the bug (6.12 LTS) beside DEFAULT_KERNEL. */
export const DEFAULT_COMPARE_KERNEL: KernelId = '6.12'

export interface ExplorerState {
  scenario: Scenario
  source: ScenarioSource
  /** The last scenario that could not be opened, as "path: message"; null when none. */
  scenarioError: string | null
  kernel: KernelId
  compare: boolean
  compareKernel: KernelId
  /** 0 = the initial state before any step; scenario.steps.length = after the last one. */
  step: number
  playing: boolean
  axisMode: AxisMode
  /** Byte address of page 0, as hex text (a bigint would not serialise). Always valid and page-aligned. */
  baseAddress: string
  viewport: Viewport | null
  theme: ThemeChoice
  pinnedVmaId: number | null
  highlight: Highlight | null
  /** The scenario was changed in the editor since it was opened or kept. */
  edited: boolean
  /** The "My scenarios" entry this scenario is (src/persist); edits are saved into it. Null when not kept. */
  workId: string | null
}

export interface ExplorerActions {
  /** Opens a built-in scenario; an unknown id leaves the current one and sets scenarioError. */
  openGalleryScenario(id: string): boolean
  /**
   * Opens a scenario from a file's text (through loadScenario, fetched on first
   * use); a broken file leaves the current one. Resolves to whether it opened.
   */
  openScenarioText(text: string, fileName: string): Promise<boolean>
  /** Opens a validated scenario (a kept one from "My scenarios", a paste, an import) as a new scenario. */
  openScenario(scenario: Scenario, source: ScenarioSource, workId?: string | null): void
  dismissScenarioError(): void
  setKernel(kernel: KernelId): void
  setCompare(on: boolean): void
  setCompareKernel(kernel: KernelId): void
  goToStep(step: number): void
  firstStep(): void
  previousStep(): void
  nextStep(): void
  lastStep(): void
  setPlaying(playing: boolean): void
  setAxisMode(mode: AxisMode): void
  /** Returns an error message for text that is not a page-aligned hex address; the state keeps the old value then. */
  setBaseAddress(text: string): string | null
  setViewport(viewport: Viewport | null): void
  setTheme(theme: ThemeChoice): void
  pinVma(id: number | null): void
  setHighlight(highlight: Highlight | null): void
}

export type ExplorerStoreState = ExplorerState & ExplorerActions
export type ExplorerStore = StoreApi<ExplorerStoreState>

export function isKernelId(value: string): value is KernelId {
  return (KERNEL_IDS as readonly string[]).includes(value)
}

function clampStep(step: number, scenario: Scenario): number {
  if (!Number.isFinite(step)) return 0
  return Math.min(Math.max(0, Math.trunc(step)), scenario.steps.length)
}

function defaultScenario(): Scenario {
  const loaded = loadGalleryScenario(DEFAULT_GALLERY_ID)
  if (!loaded.ok) throw new Error(`the built-in scenario "${DEFAULT_GALLERY_ID}" does not load: ${loaded.text}`)
  return loaded.scenario
}

/** The state a fresh explorer starts in: the seed scenario on its last step, the default kernel. */
export function initialExplorerState(): ExplorerState {
  const scenario = defaultScenario()
  return {
    scenario,
    source: { kind: 'gallery', id: DEFAULT_GALLERY_ID },
    scenarioError: null,
    kernel: DEFAULT_KERNEL,
    compare: false,
    compareKernel: DEFAULT_COMPARE_KERNEL,
    step: scenario.steps.length,
    playing: false,
    axisMode: 'linear',
    baseAddress: DEFAULT_BASE_ADDRESS,
    viewport: null,
    theme: 'system',
    pinnedVmaId: null,
    highlight: null,
    edited: false,
    workId: null,
  }
}

/** Formats a loader error the way the explorer shows it: "path: message", or the message alone for the whole document. */
export function scenarioErrorText(error: { path: string; message: string }): string {
  return error.path === '' ? error.message : `${error.path}: ${error.message}`
}

export function createExplorerStore(overrides: Partial<ExplorerState> = {}): ExplorerStore {
  return createStore<ExplorerStoreState>()((set, get) => {
    /** A new scenario starts on its last step, with the whole window in view and nothing pinned. */
    const replaceScenario = (scenario: Scenario, source: ScenarioSource, workId: string | null = null) => {
      // A scenario that says where its window lies (an imported process: "0x0") opens there.
      const base = scenario.initial?.base === undefined ? null : parseBaseAddress(scenario.initial.base)
      set({
        ...(base?.ok ? { baseAddress: base.text } : {}),
        edited: false,
        workId,
        scenario,
        source,
        scenarioError: null,
        step: scenario.steps.length,
        playing: false,
        viewport: null,
        pinnedVmaId: null,
        highlight: null,
      })
    }
    const moveTo = (step: number) => {
      const next = clampStep(step, get().scenario)
      if (next !== get().step) set({ step: next, highlight: null })
    }

    return {
      ...initialExplorerState(),
      ...overrides,

      openGalleryScenario(id) {
        const loaded = loadGalleryScenario(id)
        if (!loaded.ok) {
          set({ scenarioError: scenarioErrorText(loaded.error) })
          return false
        }
        replaceScenario(loaded.scenario, { kind: 'gallery', id })
        return true
      },
      async openScenarioText(text, fileName) {
        const { loadScenario } = await import('../scenario/load')
        const loaded = loadScenario(text)
        if (!loaded.ok) {
          set({ scenarioError: `${fileName}: ${scenarioErrorText(loaded.error)}` })
          return false
        }
        replaceScenario(loaded.scenario, { kind: 'file', name: fileName })
        return true
      },
      openScenario: (scenario, source, workId = null) => replaceScenario(scenario, source, workId),
      dismissScenarioError: () => set({ scenarioError: null }),

      setKernel: (kernel) => set({ kernel }),
      setCompare: (compare) => set({ compare }),
      setCompareKernel: (compareKernel) => set({ compareKernel }),

      goToStep: moveTo,
      firstStep: () => moveTo(0),
      previousStep: () => moveTo(get().step - 1),
      nextStep: () => moveTo(get().step + 1),
      lastStep: () => moveTo(get().scenario.steps.length),
      setPlaying(playing) {
        const { step, scenario } = get()
        // Playing from the last step starts over from the initial state.
        if (playing && step >= scenario.steps.length) set({ playing, step: 0, highlight: null })
        else set({ playing })
      },

      setAxisMode: (axisMode) => set({ axisMode }),
      setBaseAddress(text) {
        const parsed = parseBaseAddress(text)
        if (!parsed.ok) return parsed.message
        set({ baseAddress: parsed.text })
        return null
      },
      setViewport: (viewport) => set({ viewport }),
      setTheme: (theme) => set({ theme }),
      pinVma: (pinnedVmaId) => set({ pinnedVmaId }),
      setHighlight: (highlight) => set({ highlight }),
    }
  })
}
