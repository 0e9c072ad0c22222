/**
 * Find and go to: the search box (role searchbox, name "Search"; `/` focuses
 * it) with its results, "Go to address" and "Go to step" (each acts on
 * Enter). A VMA result or an address moves the view to it (centred, zoomed in
 * when it is tiny) and pins the VMA; a step result goes to the step. Enter in
 * the search box goes to the next result, Shift+Enter to the previous one.
 */
import { memo, useDeferredValue, useId, useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react'
import type { VmaView } from '../../engine/api'
import { baseAddressValue } from '../../store/base-address'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import type { ExplorerStore } from '../../store/explorer-store'
import { formatAddress } from '../address-space/scales'
import { parseAddressEntry, viewportAround } from './address-entry'
import { useFindTargets } from './find-targets'
import { search, vmaAt, type SearchResult } from './search'
import { useFindKeys } from './use-find-keys'

const FIELD = 'h-7 rounded border border-line bg-raised px-1.5 font-mono text-[12px] text-fg aria-[invalid=true]:border-fail'
const SMALL_BUTTON = 'inline-flex h-7 items-center rounded border border-line bg-raised px-1.5 text-[12px] hover:bg-selection'
const SHOWN_RESULTS = 200

function showVma(store: ExplorerStore, vma: Pick<VmaView, 'id' | 'start' | 'end'>): void {
  const state = store.getState()
  state.setViewport(viewportAround(vma.start, vma.end, state.scenario.windowPages, state.viewport))
  state.pinVma(vma.id)
}

export const FindBar = memo(function FindBar({ vmas }: { vmas: readonly VmaView[] }) {
  const store = useExplorerStoreApi()
  const steps = useFindTargets((s) => s.steps)
  const baseText = useExplorer((s) => s.baseAddress)
  const windowPages = useExplorer((s) => s.scenario.windowPages)
  const stepCount = useExplorer((s) => s.scenario.steps.length)
  const baseAddress = useMemo(() => baseAddressValue(baseText), [baseText])
  const searchBox = useRef<HTMLInputElement>(null)
  const stepBox = useRef<HTMLInputElement>(null)
  useFindKeys(store, searchBox, stepBox)

  // The VMAs searched are those of the step shown when the query was typed: going to a step
  // result must not change the list being walked through.
  const vmasRef = useRef(vmas)
  useLayoutEffect(() => {
    vmasRef.current = vmas
  }, [vmas])
  const [query, setQuery] = useState('')
  const [source, setSource] = useState<{ vmas: readonly VmaView[]; step: number }>({ vmas, step: 0 })
  const deferred = useDeferredValue(query)
  const results = useMemo(
    () => search(deferred, { vmas: source.vmas, steps, baseAddress, windowPages }),
    [deferred, source, steps, baseAddress, windowPages],
  )
  const [current, setCurrent] = useState(-1)
  const resultsId = useId()

  const show = (index: number) => {
    const result = results[index]
    if (!result) return
    setCurrent(index)
    if (result.kind === 'step') store.getState().goToStep(result.step)
    else {
      store.getState().goToStep(source.step)
      showVma(store, result.vma)
    }
  }
  const step = (delta: number) => {
    if (results.length === 0) return
    show(current < 0 ? (delta > 0 ? 0 : results.length - 1) : (current + delta + results.length) % results.length)
  }

  const [addressProblem, setAddressProblem] = useState<string | null>(null)
  const [addressNote, setAddressNote] = useState<string | null>(null)
  const goToAddress = (text: string) => {
    const parsed = parseAddressEntry(text, baseAddress, windowPages)
    if (!parsed.ok) {
      setAddressProblem(parsed.message)
      setAddressNote(null)
      return
    }
    setAddressProblem(null)
    const vma = vmaAt(vmasRef.current, parsed.page)
    const state = store.getState()
    if (vma) {
      showVma(store, vma)
      setAddressNote(`${parsed.exact} is in the VMA ${formatAddress(baseAddress, vma.start)}–${formatAddress(baseAddress, vma.end)} (pinned).`)
    } else {
      state.setViewport(viewportAround(parsed.page, parsed.page + 1, windowPages, state.viewport))
      state.pinVma(null)
      setAddressNote(`${parsed.exact} is not mapped at this step.`)
    }
  }
  const [stepProblem, setStepProblem] = useState<string | null>(null)
  const goToStepText = (text: string) => {
    const n = Number(text.trim())
    if (!/^\d+$/.test(text.trim()) || n > stepCount) {
      setStepProblem(`type a step number from 0 (the initial state) to ${stepCount}`)
      return
    }
    setStepProblem(null)
    store.getState().goToStep(n)
  }

  const shown = results.slice(0, SHOWN_RESULTS)
  return (
    <div className="flex flex-wrap items-start gap-x-3 gap-y-1" role="group" aria-label="Find and go to">
      <div className="relative min-w-0 flex-[1_1_16rem]">
        <div className="flex items-center gap-1">
          <input
            ref={searchBox}
            type="search"
            aria-label="Search"
            aria-keyshortcuts="/"
            aria-controls={query.trim() !== '' && results.length > 0 ? resultsId : undefined}
            placeholder="Search VMAs and steps: name, mg, rw-, 0x…, mprotect  ( / )"
            className={`${FIELD} min-w-0 flex-1 font-sans`}
            value={query}
            onChange={(event) => {
              setQuery(event.currentTarget.value)
              setSource({ vmas: vmasRef.current, step: store.getState().step })
              setCurrent(-1)
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault()
                step(event.shiftKey ? -1 : 1)
              } else if (event.key === 'Escape' && query !== '') {
                event.preventDefault()
                setQuery('')
              }
            }}
          />
          <button type="button" className={SMALL_BUTTON} aria-label="Previous result" title="Previous result (Shift+Enter)" onClick={() => step(-1)} disabled={results.length === 0}>
            ↑
          </button>
          <button type="button" className={SMALL_BUTTON} aria-label="Next result" title="Next result (Enter)" onClick={() => step(1)} disabled={results.length === 0}>
            ↓
          </button>
        </div>
        <p role="status" className="text-[11.5px] text-muted empty:hidden" data-testid="search-status">
          {query.trim() === ''
            ? ''
            : results.length === 0
              ? 'No VMA or step matches.'
              : `${current >= 0 ? `${current + 1} of ` : ''}${countWords(results, source.step)}`}
        </p>
        {query.trim() !== '' && results.length > 0 && (
          <ul id={resultsId} aria-label="Search results" className="absolute top-full right-0 left-0 z-30 max-h-64 overflow-y-auto rounded border border-line bg-raised shadow-lg">
            {shown.map((result, index) => (
              <li key={resultKey(result)}>
                <button
                  type="button"
                  aria-current={index === current ? 'true' : undefined}
                  className={`flex w-full gap-2 px-2 py-0.5 text-left font-mono text-[11.5px] hover:bg-selection ${index === current ? 'bg-selection' : ''}`}
                  onClick={() => show(index)}
                >
                  <ResultText result={result} baseAddress={baseAddress} />
                </button>
              </li>
            ))}
            {results.length > SHOWN_RESULTS && (
              <li className="px-2 py-0.5 text-[11.5px] text-muted">
                and {(results.length - SHOWN_RESULTS).toLocaleString('en-US')} more: Enter walks through all of them
              </li>
            )}
          </ul>
        )}
      </div>
      <EnterField label="Go to address" placeholder="0x… or page" problem={addressProblem} note={addressNote} onEnter={goToAddress} />
      <EnterField label="Go to step" placeholder={`0–${stepCount}`} problem={stepProblem} note={null} onEnter={goToStepText} inputRef={stepBox} shortcut="G" />
    </div>
  )
})

/** "3 results: 2 VMAs (at step 4), 1 step". */
function countWords(results: readonly SearchResult[], step: number): string {
  let vmas = 0
  for (const r of results) if (r.kind === 'vma') vmas++
  const steps = results.length - vmas
  const n = (x: number) => x.toLocaleString('en-US')
  const parts = [vmas > 0 ? `${n(vmas)} ${vmas === 1 ? 'VMA' : 'VMAs'} (at step ${step})` : '', steps > 0 ? `${n(steps)} ${steps === 1 ? 'step' : 'steps'}` : ''].filter(Boolean)
  return `${n(results.length)} ${results.length === 1 ? 'result' : 'results'}: ${parts.join(', ')}`
}

function resultKey(result: SearchResult): string {
  return result.kind === 'vma' ? `v${result.vma.id}` : `s${result.step}`
}

function ResultText({ result, baseAddress }: { result: SearchResult; baseAddress: bigint }) {
  if (result.kind === 'step') {
    return (
      <>
        <span className="w-14 shrink-0 text-muted">step {result.step}</span>
        <span className="truncate">{result.summary}</span>
      </>
    )
  }
  const v = result.vma
  return (
    <>
      <span className="w-14 shrink-0 text-muted">VMA</span>
      <span className="truncate">
        {formatAddress(baseAddress, v.start)}–{formatAddress(baseAddress, v.end)} {v.prot}
        {v.share === 'shared' ? 's' : 'p'} {v.names.join(' ')} <span className="text-muted">· {result.why}</span>
      </span>
    </>
  )
}

interface EnterFieldProps {
  label: string
  placeholder: string
  problem: string | null
  note: string | null
  onEnter(text: string): void
  shortcut?: string
}

function EnterField({ inputRef, ...props }: EnterFieldProps & { inputRef?: Ref<HTMLInputElement> }) {
  const messageId = useId()
  return (
    <div className="flex min-w-0 flex-col">
      <input
        ref={inputRef}
        type="text"
        aria-label={props.label}
        aria-invalid={props.problem !== null}
        aria-describedby={messageId}
        aria-keyshortcuts={props.shortcut}
        placeholder={`${props.label}: ${props.placeholder}`}
        spellCheck={false}
        autoComplete="off"
        className={`${FIELD} w-44`}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault()
            props.onEnter(event.currentTarget.value)
          }
        }}
      />
      <span id={messageId} role="status" className={`max-w-60 text-[11.5px] empty:hidden ${props.problem ? 'text-fail' : 'text-muted'}`}>
        {props.problem ?? props.note}
      </span>
    </div>
  )
}
