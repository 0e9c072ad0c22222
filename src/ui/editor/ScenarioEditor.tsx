/**
 * The scenario editor: forms that know each operation's fields (add, edit,
 * remove, reorder steps), a JSON view of the same scenario with the error at
 * its line, undo and redo (buttons, Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z, Ctrl+Y).
 *
 * Every change goes through loadScenario as it is typed. A change that loads
 * becomes the store's scenario (the engine re-runs it and the view moves to
 * the edited step); one that does not stays in the editor's draft, with the
 * loader's message next to the field (or the JSON line) it names.
 */
import { Suspense, lazy, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { loadScenario, loadScenarioEdit, type LoadedDocument, type LoadResult } from '../../scenario/load'
import type { Scenario, StepOp } from '../../scenario/types'
import type { LargeText } from './JsonView'
import type { Text } from '@codemirror/state'
import { documentOfDraft } from './json-documents'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { baseAddressValue } from '../../store/base-address'
import { SELECT, TOOL_BUTTON } from '../controls/control-styles'
import { editHistoryFor } from './edit-history'
import {
  OPS,
  STEP_FIELDS,
  addStep,
  draftOf,
  getField,
  isStepOp,
  duplicateStep,
  emptyScenarioDocument,
  moveStep,
  addressFromInput,
  addressHint,
  addressProblem,
  numberFromInput,
  removeStep,
  setScenarioField,
  setStepField,
  type Draft,
  type DraftStep,
  type FieldSpec,
} from './scenario-draft'

// The JSON view (CodeMirror) and its check of large texts are a chunk of its own, loaded when the view is first shown.
const loadJsonView = () => import('./JsonView')
const JsonView = lazy(() => loadJsonView().then((m) => ({ default: m.JsonView })))

interface DraftState {
  /** The store scenario this draft was made from (or committed as). */
  base: Scenario
  draft: Draft
  /** The JSON view's text while it differs from the draft (being typed): a small one's string, a large one's document. */
  json: string | { doc: Text } | null
  /** What the loader said of the draft (or of the JSON text): null when it loads. */
  error: ErrorAt
  /** The last draft that loaded and its scenario: loadScenarioEdit reuses its unchanged steps. */
  loaded: LoadedDocument
  /** That scenario is waiting to go into the store (a large scenario, while typing goes on). */
  pending: boolean
}

const INPUT = 'h-7 w-full min-w-0 rounded border border-line bg-raised px-1.5 font-mono text-[12px] text-fg aria-invalid:border-fail aria-invalid:outline aria-invalid:outline-fail'
const SMALL_BUTTON = 'inline-flex h-6 min-w-6 items-center justify-center rounded border border-line bg-raised px-1 text-[12px] hover:bg-selection disabled:opacity-40'

type ErrorAt = { path: string; message: string } | null
type CommitOptions = { groupKey?: string; step?: number }

function errorOf(result: LoadResult): ErrorAt {
  return result.ok ? null : result.error
}

/** A draft of the store's scenario as it is: it loads, as itself (load-edit.test.ts checks that a loaded scenario loads as itself). */
function freshState(scenario: Scenario): DraftState {
  return { base: scenario, draft: draftOf(scenario), json: null, error: null, loaded: { document: scenario, scenario }, pending: false }
}

/**
 * From this many steps on, an edit that loads reaches the store (and so the engine, the
 * autosave and the rest of the page) once typing pauses for COMMIT_DELAY_MS, not at every key:
 * handing 65,530 steps to the worker costs the main thread a few hundred milliseconds. The
 * draft, its check and its message follow every key.
 */
const DEFER_COMMIT_FROM_STEPS = 2_000
const COMMIT_DELAY_MS = 400

/** A step form's height before it is measured (an mmap's, the most common). */
const ESTIMATED_STEP_PX = 190

export function ScenarioEditor({ onClose }: { onClose(): void }) {
  const store = useExplorerStoreApi()
  const scenario = useExplorer((s) => s.scenario)
  const history = editHistoryFor(store)
  useSyncExternalStore(history.subscribe, history.getVersion)
  const [state, setState] = useState<DraftState>(() => freshState(scenario))
  const [view, setView] = useState<'form' | 'json'>('form')
  const [addOp, setAddOp] = useState<StepOp>('mmap')
  const section = useRef<HTMLElement>(null)
  const body = useRef<HTMLDivElement>(null)
  const stepList = useRef<HTMLOListElement>(null)
  const [focusIndex, setFocusIndex] = useState<number | null>(null)
  // Focus moves into the editor when it opens (its first field), and to a step just added.
  useEffect(() => {
    section.current?.querySelector<HTMLElement>('[data-editor-body] input, [data-editor-body] textarea')?.focus()
  }, [])
  const newEmptyScenario = () => {
    const loaded = loadScenario(emptyScenarioDocument())
    if (loaded.ok) store.getState().openScenario(loaded.scenario, { kind: 'file', name: 'New scenario' })
  }

  // A scenario changed from outside (undo, gallery, link) replaces the draft.
  const current: DraftState = state.base === scenario ? state : freshState(scenario)
  const error = current.error

  // The state the next change starts from: this render's, or one set since by a change not yet drawn.
  const latest = useRef(current)
  latest.current = current
  const settle = (next: DraftState) => {
    latest.current = next
    setState(next)
  }
  const pending = useRef<{ scenario: Scenario; options: CommitOptions; timer: ReturnType<typeof setTimeout> } | null>(null)
  /** Puts the scenario waiting for a pause in typing into the store now (before undo, on close). */
  const flush = () => {
    const waiting = pending.current
    if (!waiting) return
    clearTimeout(waiting.timer)
    pending.current = null
    const from = latest.current
    // A scenario opened from elsewhere meanwhile replaced the draft: the edit goes with it.
    if (from.base !== store.getState().scenario || from.loaded.scenario !== waiting.scenario) return
    history.commit(waiting.scenario, waiting.options)
    settle({ ...from, base: store.getState().scenario, pending: false })
  }
  const flushRef = useRef(flush)
  flushRef.current = flush

  const change = (draft: Draft, options: CommitOptions = {}) => {
    const inStore = store.getState().scenario
    const from = latest.current.base === inStore ? latest.current : freshState(inStore)
    const result = loadScenarioEdit(draft, from.loaded)
    if (!result.ok) return settle({ ...from, draft, json: null, error: result.error })
    const loaded = { document: draft, scenario: result.scenario }
    if (draft.steps.length >= DEFER_COMMIT_FROM_STEPS) {
      if (pending.current) clearTimeout(pending.current.timer)
      pending.current = { scenario: result.scenario, options, timer: setTimeout(() => flushRef.current(), COMMIT_DELAY_MS) }
      return settle({ ...from, draft, json: null, error: null, loaded, pending: true })
    }
    flush()
    history.commit(result.scenario, options)
    settle({ base: store.getState().scenario, draft, json: null, error: null, loaded, pending: false })
  }
  /** A JSON text checked (here or in the worker): one that loads becomes the store's scenario. */
  const applyJson = (text: string | { doc: Text }, checked: { ok: true; scenario: Scenario } | { ok: false; error: ErrorAt }) => {
    if (checked.ok) {
      setJsonApplied((count) => count + 1)
      flush()
      history.commit(checked.scenario, { groupKey: 'json' })
      const draft = draftOf(checked.scenario)
      // Undo and Redo back to this scenario show this document again, not one written out anew.
      if (typeof text !== 'string') documentOfDraft.set(draft, text.doc)
      settle({ base: store.getState().scenario, draft, json: text, error: null, loaded: { document: draft, scenario: checked.scenario }, pending: false })
    } else {
      settle({ ...latest.current, json: text, error: checked.error })
    }
  }
  // Texts typed in the JSON view and applied, for the view to know its text became a scenario (JsonView's `applied`).
  const [jsonApplied, setJsonApplied] = useState(0)
  const changeJson = (text: string) => {
    if (dropJsonCheck()) setJsonCheck('none')
    const loaded = loadScenario(text)
    applyJson(text, loaded.ok ? loaded : { ok: false, error: errorOf(loaded) })
  }
  // A large JSON document (JsonView's LARGE_TEXT_CHARS) is read once typing pauses for
  // COMMIT_DELAY_MS and checked in the open worker, as an opened file is (the header shows its
  // progress, with Cancel); the status says "Checking" meanwhile. The answer comes with the
  // scenario's JSON text, which the engine worker takes instead of 65,530 step objects.
  // Undo, Redo, the form view and closing check it at once, in the same way, and wait for it:
  // a check on this thread held it for 300 ms and more on the stress scenario.
  type JsonWaiting = { read: LargeText; base: Scenario; timer: ReturnType<typeof setTimeout> | null; checked: Promise<void> | null }
  const jsonWaiting = useRef<JsonWaiting | null>(null)
  const [jsonCheck, setJsonCheck] = useState<'none' | 'checking' | 'cancelled'>('none')
  const dropJsonCheck = () => {
    const waiting = jsonWaiting.current
    jsonWaiting.current = null
    if (waiting?.timer) clearTimeout(waiting.timer)
    return waiting
  }
  /** Reads the waiting text in slices and checks it in the open worker; a newer change, or another scenario opened meanwhile, wins. */
  const checkJson = (waiting: JsonWaiting): Promise<void> => {
    if (waiting.timer) clearTimeout(waiting.timer)
    waiting.timer = null
    setJsonCheck('checking')
    waiting.checked ??= loadJsonView().then(async ({ checkTextInWorker, documentBytes }) => {
      const doc = waiting.read.latest()
      const bytes = await documentBytes(doc)
      if (jsonWaiting.current !== waiting) return
      const checked = await checkTextInWorker(bytes)
      waiting.checked = null
      if (jsonWaiting.current !== waiting) return // a newer change
      const sameBase = store.getState().scenario === waiting.base
      if (!checked.ok && checked.cancelled && sameBase) return setJsonCheck('cancelled') // still waiting: a flush checks it again
      jsonWaiting.current = null
      setJsonCheck('none')
      // A scenario opened from elsewhere meanwhile replaced the document: the text goes with it.
      if (sameBase && (checked.ok || !checked.cancelled)) applyJson({ doc }, checked)
    })
    return waiting.checked
  }
  const changeLargeJson = (read: LargeText): void => {
    dropJsonCheck()
    const waiting: JsonWaiting = { read, base: store.getState().scenario, timer: null, checked: null }
    waiting.timer = setTimeout(() => void checkJson(waiting), COMMIT_DELAY_MS)
    jsonWaiting.current = waiting
    setJsonCheck('checking')
  }
  /** Checks the large JSON document waiting for a pause in typing now (before undo, for the forms, on close). */
  const flushJson = async (): Promise<void> => {
    const waiting = jsonWaiting.current
    if (!waiting) return
    if (store.getState().scenario !== waiting.base) {
      dropJsonCheck()
      return setJsonCheck('none')
    }
    await checkJson(waiting)
  }
  /** Everything typed and not yet applied, applied. */
  const flushAll = async (): Promise<void> => {
    await flushJson()
    flush()
  }
  const flushAllRef = useRef(flushAll)
  flushAllRef.current = flushAll
  useEffect(() => () => void flushAllRef.current(), [])
  /**
   * Undo or redo, after what waits is applied; the draft then starts again from the store's
   * scenario (one applied and undone in the same turn left a state that names it as its base).
   */
  const step = async (back: boolean) => {
    await flushAll()
    if (back ? history.undo() : history.redo()) settle(freshState(store.getState().scenario))
  }
  const stepRef = useRef(step)
  stepRef.current = step
  const undo = () => void step(true)
  const redo = () => void step(false)
  const showView = (next: 'form' | 'json') => {
    void flushAll().then(() => setView(next))
  }

  // Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z and Ctrl+Y redo, anywhere while the editor is open.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return
      const key = event.key.toLowerCase()
      const redo = (key === 'z' && event.shiftKey) || (key === 'y' && !event.shiftKey)
      const undo = key === 'z' && !event.shiftKey
      if (!undo && !redo) return
      event.preventDefault()
      void stepRef.current(undo)
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [history])

  const draft = current.draft
  const stepFor = (index: number) => index + 1

  // The step forms are virtualised: only those near the viewport are in the DOM (65,530 steps
  // would be hundreds of thousands of elements). The list scrolls with the rest of the body, so
  // its offset in the body is the virtualiser's scroll margin.
  const [listTop, setListTop] = useState(0)
  useLayoutEffect(() => {
    const list = stepList.current
    const fields = list?.previousElementSibling
    if (!list || !fields) return
    const measure = () => setListTop(list.offsetTop)
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(fields)
    return () => observer.disconnect()
  }, [view])
  // The forms come a frame after the editor's shell: the shell's commit then lays out the page at
  // its new width (the explorer's columns narrow), and the forms' first measurement lays out only
  // the forms. In one commit, both cost the 65,530-step stress scenario a task of 55 to 65 ms.
  const [formsShown, setFormsShown] = useState(false)
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setFormsShown(true), 0)))
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [])
  // This build has no React Compiler, and the virtualiser's functions are used in this component only.
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: draft.steps.length,
    getScrollElement: () => body.current,
    estimateSize: () => ESTIMATED_STEP_PX,
    overscan: 6,
    gap: 8,
    scrollMargin: listTop,
  })
  // A step just added or duplicated is scrolled to and its first field focused.
  useEffect(() => {
    if (focusIndex === null || view !== 'form') return
    virtualizer.scrollToIndex(focusIndex, { align: 'auto' })
    let frame = requestAnimationFrame(function focus(tries = 0) {
      const item = stepList.current?.querySelector<HTMLElement>(`[data-index="${focusIndex}"]`)
      const field = item?.querySelector<HTMLElement>('input, select, textarea')
      if (field) {
        field.focus()
        setFocusIndex(null)
      } else if (tries < 10) frame = requestAnimationFrame(() => focus(tries + 1))
    })
    return () => cancelAnimationFrame(frame)
  }, [focusIndex, view, virtualizer])

  return (
    <section ref={section} aria-labelledby="scenario-editor-title" className="flex min-h-0 flex-col border-l border-line bg-panel" data-testid="scenario-editor">
      <div className="flex flex-wrap items-center gap-1.5 border-b border-line px-3 py-1.5">
        <h2 id="scenario-editor-title" className="mr-auto text-[13px] font-semibold">
          Scenario editor
        </h2>
        <button type="button" className={TOOL_BUTTON} onClick={newEmptyScenario} title="Start from nothing (the scenario on screen is kept in My scenarios if you edited it)">
          New empty scenario
        </button>
        <button type="button" className={TOOL_BUTTON} onClick={undo} disabled={!history.canUndo && !current.pending && jsonCheck === 'none'} title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z Meta+Z">
          Undo
        </button>
        <button type="button" className={TOOL_BUTTON} onClick={redo} disabled={!history.canRedo} title="Redo (Ctrl+Shift+Z)" aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y">
          Redo
        </button>
        <div role="group" aria-label="Editor view" className="flex">
          <button type="button" className={`${TOOL_BUTTON} rounded-r-none aria-pressed:bg-selection`} aria-pressed={view === 'form'} onClick={() => showView('form')}>
            Form
          </button>
          <button type="button" className={`${TOOL_BUTTON} rounded-l-none aria-pressed:bg-selection`} aria-pressed={view === 'json'} onClick={() => showView('json')}>
            JSON
          </button>
        </div>
        <button type="button" className={TOOL_BUTTON} onClick={onClose} aria-label="Close the scenario editor">
          Close
        </button>
      </div>
      <p role="status" data-testid="editor-status" className={`border-b border-line px-3 py-1 text-[12px] ${error && jsonCheck === 'none' ? 'text-fail' : 'text-muted'}`}>
        {jsonCheck === 'checking'
          ? 'Checking the JSON…'
          : jsonCheck === 'cancelled'
          ? 'Not checked: the check was cancelled. Type on, or switch to the form view, to check it.'
          : error
          ? `Not applied: ${error.path ? `${error.path}: ` : ''}${error.message}`
          : `${current.pending ? 'Applying' : 'Applied'} · ${draft.steps.length.toLocaleString('en-US')} step${draft.steps.length === 1 ? '' : 's'}`}
      </p>
      <div ref={body} className="relative min-h-0 flex-1 overflow-y-auto px-3 py-2" data-editor-body>
        {view === 'json' ? (
          <Suspense fallback={<p className="text-[12px] text-muted">Loading the JSON view…</p>}>
            <JsonView
              text={() => current.json ?? (current.draft.steps.length >= DEFER_COMMIT_FROM_STEPS ? { draft: current.draft } : `${JSON.stringify(current.draft, null, 2)}\n`)}
              shown={current.json === null ? current.draft : null}
              applied={jsonApplied}
              error={error} onText={changeJson} onLargeText={changeLargeJson} />
          </Suspense>
        ) : (
          <div>
            <ScenarioFields draft={draft} error={error} onChange={(next) => change(next, { groupKey: 'scenario' })} />
            <ol ref={stepList} className="relative mt-3" style={{ height: virtualizer.getTotalSize() }} aria-label="Steps of the scenario">
              {(formsShown ? virtualizer.getVirtualItems() : []).map((item) => {
                const index = item.index
                const step = draft.steps[index]!
                return (
                  <li
                    key={item.key}
                    ref={virtualizer.measureElement}
                    data-index={index}
                    aria-setsize={draft.steps.length}
                    aria-posinset={index + 1}
                    className="absolute top-0 left-0 w-full"
                    style={{ transform: `translateY(${item.start - virtualizer.options.scrollMargin}px)` }}
                  >
                    <StepForm
                      step={step}
                      index={index}
                      count={draft.steps.length}
                      error={error && error.path.startsWith(`steps[${index}]`) ? error : null}
                      onField={(key, value) => change(setStepField(draft, index, key, value), { groupKey: `${index}.${key}`, step: stepFor(index) })}
                      onMove={(by) => change(moveStep(draft, index, by), { step: stepFor(index + by) })}
                      onRemove={() => change(removeStep(draft, index), { step: Math.min(store.getState().step, draft.steps.length - 1) })}
                      onDuplicate={() => {
                        change(duplicateStep(draft, index), { step: stepFor(index + 1) })
                        setFocusIndex(index + 1)
                      }}
                    />
                  </li>
                )
              })}
            </ol>
            <div className="mt-3 flex items-center gap-1.5">
              <label className="flex items-center gap-1.5 text-[12px] text-muted">
                New step
                <select className={SELECT} value={addOp} onChange={(e) => isStepOp(e.currentTarget.value) && setAddOp(e.currentTarget.value)}>
                  {OPS.map((op) => (
                    <option key={op} value={op}>
                      {op}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className={TOOL_BUTTON}
                onClick={() => {
                  change(addStep(draft, addOp), { step: draft.steps.length + 1 })
                  setFocusIndex(draft.steps.length)
                }}
              >
                Add step
              </button>
            </div>
          </div>
        )}
      </div>
    </section>
  )
}

function FieldError({ id, error }: { id: string; error: ErrorAt }) {
  if (!error) return null
  return (
    <p id={id} className="col-span-2 text-[11.5px] text-fail">
      {error.message}
    </p>
  )
}

function Row({ label, htmlFor, children }: { label: string; htmlFor: string; children: ReactNode }) {
  return (
    <>
      <label htmlFor={htmlFor} className="self-center text-[12px] text-muted">
        {label}
      </label>
      {children}
    </>
  )
}

function ScenarioFields({ draft, error, onChange }: { draft: Draft; error: ErrorAt; onChange(next: Draft): void }) {
  const id = useId()
  const at = (key: string) => (error && (error.path === key || (key === '' && error.path === '')) ? error : null)
  const text = (key: string) => (typeof draft[key] === 'string' || typeof draft[key] === 'number' ? String(draft[key]) : '')
  return (
    <fieldset className="grid grid-cols-[7rem_minmax(0,1fr)] gap-x-2 gap-y-1 rounded border border-line p-2">
      <legend className="px-1 text-[12px] font-semibold">Scenario</legend>
      <Row label="Title" htmlFor={`${id}-title`}>
        <input id={`${id}-title`} className={`${INPUT} font-sans`} value={text('title')} onChange={(e) => onChange(setScenarioField(draft, 'title', e.currentTarget.value || undefined))} />
      </Row>
      <Row label="Notes" htmlFor={`${id}-notes`}>
        <textarea id={`${id}-notes`} rows={2} className={`${INPUT} h-auto font-sans`} value={text('notes')} onChange={(e) => onChange(setScenarioField(draft, 'notes', e.currentTarget.value || undefined))} />
      </Row>
      <Row label="Window pages" htmlFor={`${id}-window`}>
        <input
          id={`${id}-window`}
          className={INPUT}
          inputMode="numeric"
          aria-invalid={at('windowPages') !== null}
          value={text('windowPages')}
          onChange={(e) => onChange(setScenarioField(draft, 'windowPages', numberFromInput(e.currentTarget.value)))}
        />
      </Row>
      <FieldError id={`${id}-window-error`} error={at('windowPages')} />
      <Row label="Placement" htmlFor={`${id}-placement`}>
        <select id={`${id}-placement`} className={SELECT} value={text('placement') || 'fixed'} onChange={(e) => onChange(setScenarioField(draft, 'placement', e.currentTarget.value))}>
          <option value="fixed">fixed (every mmap names its page)</option>
          <option value="kernel">kernel (top-down placement)</option>
        </select>
      </Row>
      <Row label="brk base (page)" htmlFor={`${id}-brk`}>
        <input
          id={`${id}-brk`}
          className={INPUT}
          inputMode="numeric"
          aria-invalid={at('brkBase') !== null}
          value={text('brkBase')}
          onChange={(e) => onChange(setScenarioField(draft, 'brkBase', numberFromInput(e.currentTarget.value)))}
        />
      </Row>
      <FieldError id={`${id}-brk-error`} error={at('brkBase')} />
      {error && !error.path.startsWith('steps[') && !['windowPages', 'brkBase'].includes(error.path) && <FieldError id={`${id}-error`} error={error} />}
    </fieldset>
  )
}

interface StepFormProps {
  step: DraftStep
  index: number
  count: number
  error: ErrorAt
  onField(key: string, value: unknown): void
  onMove(by: -1 | 1): void
  onRemove(): void
  onDuplicate(): void
}

function StepForm({ step, index, count, error, onField, onMove, onRemove, onDuplicate }: StepFormProps) {
  const id = useId()
  const n = index + 1
  const fields = isStepOp(step.op) ? STEP_FIELDS[step.op] : []
  const backingKind = getField(step, 'backing.kind')
  const errorFor = (key: string) => (error && error.path === `steps[${index}].${key}` ? error : null)
  const shown = fields.filter((field) => !field.backing || field.backing.includes(String(backingKind)))
  const stepLevelError = error && !shown.some((field) => errorFor(field.key)) ? error : null

  return (
    <fieldset aria-label={`Step ${n}: ${step.op}`} className="rounded border border-line bg-bg p-2" data-testid="editor-step">
      <legend className="flex w-full items-center gap-1 px-1">
        <span className="mr-auto font-mono text-[12px] font-semibold">
          {n}. {step.op}
        </span>
        <button type="button" className={SMALL_BUTTON} aria-label={`Move step ${n} up`} title="Move up" disabled={index === 0} onClick={() => onMove(-1)}>
          ↑
        </button>
        <button type="button" className={SMALL_BUTTON} aria-label={`Move step ${n} down`} title="Move down" disabled={index === count - 1} onClick={() => onMove(1)}>
          ↓
        </button>
        <button type="button" className={SMALL_BUTTON} aria-label={`Duplicate step ${n}`} title="Duplicate step" onClick={onDuplicate}>
          ⧉
        </button>
        <button type="button" className={SMALL_BUTTON} aria-label={`Remove step ${n}`} title="Remove" onClick={onRemove}>
          ✕
        </button>
      </legend>
      <div className="grid grid-cols-[7rem_minmax(0,1fr)] gap-x-2 gap-y-1">
        {shown.map((field) => (
          <StepField key={field.key} id={`${id}-${field.key}`} field={field} step={step} n={n} error={errorFor(field.key)} onField={onField} />
        ))}
        {shown.length === 0 && <p className="col-span-2 text-[12px] text-muted">No fields: the rest of the scenario runs in the child.</p>}
        <FieldError id={`${id}-error`} error={stepLevelError && { path: stepLevelError.path, message: `${stepLevelError.path.replace(/^steps\[\d+\]\.?/, '') || 'step'}: ${stepLevelError.message}` }} />
      </div>
    </fieldset>
  )
}

function StepField({ id, field, step, n, error: loaderError, onField }: { id: string; field: FieldSpec; step: DraftStep; n: number; error: ErrorAt; onField(key: string, value: unknown): void }) {
  const value = getField(step, field.key)
  const baseText = useExplorer((s) => s.baseAddress)
  const base = useMemo(() => baseAddressValue(baseText), [baseText])
  // A hex address the field could not turn into a page gets its own message, not the loader's "expected a page number".
  const hexProblem = field.address ? addressProblem(value, base) : null
  const error: ErrorAt = hexProblem !== null ? { path: loaderError?.path ?? field.key, message: hexProblem } : loaderError
  const hint = field.address && error === null ? addressHint(value, base) : null
  const errorId = `${id}-error`
  const common = { id, 'aria-invalid': error !== null, 'aria-describedby': error ? errorId : undefined, 'aria-label': `Step ${n} ${field.label}` }
  let control: ReactNode
  switch (field.kind) {
    case 'page':
    case 'count':
    case 'optional-page':
    case 'number':
      control = (
        <input
          {...common}
          className={INPUT}
          inputMode={field.address ? 'text' : 'numeric'}
          placeholder={field.hint ?? (field.address ? 'a page, or a hex address (0x…)' : undefined)}
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(e) => onField(field.key, field.address ? addressFromInput(e.currentTarget.value, base) : numberFromInput(e.currentTarget.value))}
          title={field.address ? `A page number, or a hex address such as 0x${(base + 0x2000n).toString(16)} (page-aligned, from the window's base 0x${base.toString(16)})` : undefined}
        />
      )
      break
    case 'text':
      control = <input {...common} className={INPUT} value={typeof value === 'string' ? value : ''} placeholder={field.hint} onChange={(e) => onField(field.key, e.currentTarget.value)} />
      break
    case 'enum':
      control = (
        <select {...common} className={SELECT} value={String(value ?? '')} onChange={(e) => onField(field.key, e.currentTarget.value || undefined)}>
          {value === undefined && <option value="">(default)</option>}
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      )
      break
    case 'bool':
      control = <input {...common} type="checkbox" className="justify-self-start" checked={value === true} onChange={(e) => onField(field.key, e.currentTarget.checked)} />
      break
    case 'prot': {
      const prot = typeof value === 'string' && value.length === 3 ? value : '---'
      control = (
        <span role="group" aria-label={`Step ${n} prot`} className="flex items-center gap-2 font-mono text-[12px]" data-prot={prot}>
          {(['r', 'w', 'x'] as const).map((letter, i) => (
            <label key={letter} className="flex items-center gap-0.5">
              <input
                type="checkbox"
                checked={prot[i] === letter}
                onChange={(e) => onField(field.key, prot.slice(0, i) + (e.currentTarget.checked ? letter : '-') + prot.slice(i + 1))}
              />
              {letter}
            </label>
          ))}
        </span>
      )
      break
    }
    case 'flags': {
      const list = Array.isArray(value) ? (value as string[]) : []
      control = (
        <span role="group" aria-label={`Step ${n} ${field.label}`} className="flex flex-wrap gap-x-2 gap-y-0.5 font-mono text-[11px]">
          {(field.options ?? []).map((flag) => (
            <label key={flag} className="flex items-center gap-0.5">
              <input
                type="checkbox"
                checked={list.includes(flag)}
                onChange={(e) => {
                  const next = e.currentTarget.checked ? [...list, flag] : list.filter((f) => f !== flag)
                  onField(field.key, next.length === 0 && field.key === 'mapFlags' ? undefined : next)
                }}
              />
              {flag.replace(/^(MAP_|VM_)/, '')}
            </label>
          ))}
        </span>
      )
      break
    }
  }
  return (
    <>
      <label htmlFor={id} className="self-center text-[12px] text-muted">
        {field.label}
      </label>
      {control}
      {hint && (
        <span className="col-start-2 -mt-0.5 font-mono text-[10.5px] text-muted" data-testid="address-hint">
          {hint}
        </span>
      )}
      <FieldError id={errorId} error={error} />
    </>
  )
}
