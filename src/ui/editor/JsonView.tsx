/**
 * The editor's JSON view: CodeMirror 6, which keeps only the lines near its
 * viewport in the DOM (the 65,530-step stress scenario is 720,840 lines;
 * e2e/editor-scale.spec.ts prints the figures). It is a chunk of its own,
 * loaded when the view is first shown (ScenarioEditor imports it lazily), so
 * neither the page nor the step forms wait for it. A large draft's text is
 * written a slice of steps at a time (./json-lines.ts) before the view is made,
 * and a large document has no syntax colours, so neither opening nor typing
 * holds the main thread for long.
 *
 * The document is CodeMirror's. Each change is handed to the owner as text
 * while the document is small, and from LARGE_TEXT_CHARS on as a function that
 * reads it, so a keystroke never copies megabytes: the owner reads it once
 * typing pauses. A new `shown` (a scenario from outside: undo, the gallery, a
 * form edit) replaces the document with `text()`, a large one written out over
 * several tasks as at opening.
 */
import { useId, useLayoutEffect, useRef, useState } from 'react'
import { Annotation, Compartment, EditorState, RangeSet, StateEffect, StateField, Text } from '@codemirror/state'
import { Decoration, EditorView, GutterMarker, gutterLineClass, keymap, lineNumbers } from '@codemirror/view'
import { defaultKeymap } from '@codemirror/commands'
import { json } from '@codemirror/lang-json'
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { tags } from '@lezer/highlight'
import { SCENARIO_FORMAT } from '../../scenario/types'
import { readScenarioInWorker } from '../import/open-in-worker'
import { pasteTooLarge } from '../import/read-capped'
import { lineInMessage, lineOfPath } from './json-locate'
import { documentBytesInSlices, documentOf, jsonLines, nextTask } from './json-lines'
import { documentOfDraft } from './json-documents'

/** From this many characters on (about 1,300 steps), a change is handed over as a reader, not as text. */
export const LARGE_TEXT_CHARS = 250_000

/** A large document's text as UTF-8, read in slices (./json-lines.ts), for checkTextInWorker. */
export const documentBytes = (doc: Text) => documentBytesInSlices(doc)

/**
 * Checks a large document's text in the open worker, as an opened file is read (the header
 * shows its progress, with Cancel); the bytes are transferred, not copied. The scenario comes
 * back with its JSON text, which the engine worker then takes instead of the step objects
 * (src/scenario/known-text.ts).
 */
export const checkTextInWorker = (bytes: Uint8Array) => readScenarioInWorker(bytes, 'the edited JSON')

/** A large document, as it is now (CodeMirror's, immutable): read in slices when typing pauses. */
export interface LargeText {
  latest(): Text
}

type ErrorAt = { path: string; message: string } | null

export interface JsonViewProps {
  /**
   * The text to show, at opening and when `shown` changes: a string; a document typed here
   * before; or a (large) draft, shown as the document it had (./json-documents.ts) or written
   * out a slice of steps at a time (./json-lines.ts).
   */
  text(): string | { doc: Text } | { draft: Record<string, unknown> }
  /** What the text shows (the draft), or null when it is what was typed here; a new one replaces the document. */
  shown: object | null
  /** How many texts typed here the owner has applied: once the one typed last is, a `shown` replaces it even if it is the same as before. */
  applied: number
  error: ErrorAt
  /** A change to a small document: its whole text. */
  onText(text: string): void
  /** A change to a large document: reads its text (the latest, whenever it is called). */
  onLargeText(read: LargeText): void
}

/** Marks the document replacements made here (a scenario from outside), which are not the user's changes. */
const fromOutside = Annotation.define<boolean>()

const setErrorLine = StateEffect.define<number | null>()
/** Where the error's line starts, mapped through later edits until the next error (or none) is set. */
const errorLineStart = StateField.define<number | null>({
  create: () => null,
  update(start, tr) {
    for (const effect of tr.effects) {
      if (effect.is(setErrorLine)) return effect.value === null || effect.value > tr.state.doc.lines ? null : tr.state.doc.line(effect.value).from
    }
    return start === null ? null : tr.changes.mapPos(start, -1)
  },
  provide: (field) => {
    const lineStart = (state: EditorState) => {
      const start = state.field(field)
      return start === null ? null : state.doc.lineAt(start).from
    }
    return [
      EditorView.decorations.compute([field], (state) => {
        const start = lineStart(state)
        return start === null ? Decoration.none : Decoration.set([errorLineDecoration.range(start)])
      }),
      gutterLineClass.compute([field], (state) => {
        const start = lineStart(state)
        return start === null ? RangeSet.empty : RangeSet.of([errorLineMarker.range(start)])
      }),
    ]
  },
})
const errorLineDecoration = Decoration.line({ class: 'cm-error-line', attributes: { 'data-error-line': 'true' } })
const errorLineMarker = new (class extends GutterMarker {
  override elementClass = 'cm-error-line'
})()

// Colours are the page's role tokens (src/ui/theme.css), whose text colours keep 4.5:1 on its backgrounds.
const theme = EditorView.theme({
  '&': { height: '60vh', backgroundColor: 'var(--bg-raised)', color: 'var(--fg)', border: '1px solid var(--border)', borderRadius: '4px' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'inherit', lineHeight: '18px' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '.cm-gutters': { backgroundColor: 'var(--bg-panel)', color: 'var(--fg-muted)', borderRight: '1px solid var(--border)' },
  '.cm-gutterElement.cm-error-line': { backgroundColor: 'var(--check-fail)', color: 'var(--bg)', fontWeight: 'bold' },
  '.cm-line.cm-error-line': { outline: '1px solid var(--check-fail)', outlineOffset: '-1px' },
})
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: 'var(--accent)' },
  { tag: tags.string, color: 'var(--check-pass)' },
  { tag: tags.number, color: 'var(--vma-mergeable)' },
  { tag: [tags.bool, tags.null], color: 'var(--check-fail)' },
  { tag: [tags.brace, tags.squareBracket, tags.separator], color: 'var(--fg-muted)' },
])

/**
 * JSON syntax colours, for a document under LARGE_TEXT_CHARS: the parser behind them works
 * ahead of the viewport in slices of up to 100 ms, which a large document is not worth.
 */
const languageFor = (doc: Text) => (doc.length < LARGE_TEXT_CHARS ? [json(), syntaxHighlighting(highlight)] : [])

/**
 * The document for `text()`: at once for a string, a document, or a draft shown before; written
 * out over several tasks for a large draft new to the view (and kept for it, for Undo and Redo).
 */
function documentFor(source: ReturnType<JsonViewProps['text']>): Text | Promise<Text> {
  if (typeof source === 'string') return Text.of(source.split('\n'))
  if ('doc' in source) return source.doc
  const known = documentOfDraft.get(source.draft)
  if (known) return known
  return jsonLines(source.draft).then(async (lines) => {
    const doc = await documentOf(lines)
    documentOfDraft.set(source.draft, doc)
    return doc
  })
}

export function JsonView({ text, shown, applied, error, onText, onLargeText }: JsonViewProps) {
  const id = useId()
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  const attributes = useRef(new Compartment())
  const language = useRef(new Compartment())
  const [pasteProblem, setPasteProblem] = useState<string | null>(null)
  const [errorLine, setErrorLineNumber] = useState<number | null>(null)
  // Whether the view is made (a large document's lines are written first, over several tasks).
  const [ready, setReady] = useState(false)
  // What the document shows now: the `shown` it was last set from, or null once it was typed in.
  const showing = useRef<object | null>(shown)
  // The `shown` of the last render that had the view, and `applied` when the user last typed.
  const lastShown = useRef<object | null>(shown)
  const appliedWhenTyped = useRef(applied)
  // The latest props, for CodeMirror's listeners (set before the effects below read them).
  const props = useRef({ text, applied, onText, onLargeText })
  useLayoutEffect(() => {
    props.current = { text, applied, onText, onLargeText }
  })

  const makeEditor = (doc: Text): EditorView => {
    const editor: EditorView = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc,
        extensions: [
          lineNumbers(),
          keymap.of(defaultKeymap),
          language.current.of(languageFor(doc)),
          theme,
          errorLineStart,
          attributes.current.of([]),
          EditorView.domEventHandlers({
            // The 64 MiB cap holds for a paste too: refused before it reaches the text, the draft or the parser.
            paste(event, editor) {
              const { from, to } = editor.state.selection.main
              const problem = pasteTooLarge(editor.state.doc.toString(), to - from, event.clipboardData?.getData('text/plain') ?? '')
              setPasteProblem(problem)
              return problem !== null
            },
            // A file dropped here is opened by the page (src/ui/export/use-file-drop.ts), as anywhere else, not
            // inserted as text; dropped text has the paste's cap.
            drop(event, editor) {
              if (event.dataTransfer?.types.includes('Files')) return true
              const problem = pasteTooLarge(editor.state.doc.toString(), 0, event.dataTransfer?.getData('text/plain') ?? '')
              setPasteProblem(problem)
              return problem !== null
            },
          }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged || update.transactions.every((tr) => tr.annotation(fromOutside))) return
            showing.current = null
            appliedWhenTyped.current = props.current.applied
            const state = update.state
            if (state.doc.length < LARGE_TEXT_CHARS) props.current.onText(state.doc.toString())
            else props.current.onLargeText({ latest: () => editor.state.doc })
          }),
        ],
      }),
    })
    return editor
  }

  useLayoutEffect(() => {
    let editor: EditorView | null = null
    let gone = false
    const make = (doc: Text) => {
      editor = makeEditor(doc)
      view.current = editor
      setReady(true)
    }
    const source = documentFor(props.current.text())
    if (source instanceof Text) make(source)
    else {
      void source.then(async (doc) => {
        if (gone) return
        await nextTask()
        if (!gone) make(doc)
      })
    }
    return () => {
      gone = true
      editor?.destroy()
      view.current = null
    }
  }, [])


  // A scenario from outside replaces the document: a new `shown`, or the same one once the text
  // typed here was applied (and then undone: Undo applies what waits for a check first).
  useLayoutEffect(() => {
    const editor = view.current
    if (!editor) return
    const changed = shown !== lastShown.current
    lastShown.current = shown
    if (shown === null || shown === showing.current) return
    if (showing.current === null && !changed && applied === appliedWhenTyped.current) return // typed, not applied yet
    showing.current = shown
    const replace = (doc: Text) =>
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: doc }, effects: language.current.reconfigure(languageFor(doc)), annotations: fromOutside.of(true) })
    const source = documentFor(props.current.text())
    if (source instanceof Text) return replace(source)
    // A large scenario not shown before is written out as at opening, over several tasks; typing
    // meanwhile, or another scenario from outside, wins over it.
    const current = () => showing.current === shown && view.current === editor
    void source.then((doc) => {
      if (current()) replace(doc)
    })
  }, [shown, applied, ready])

  // The error's line, marked in the gutter and the text; the description and invalid state for assistive technology.
  useLayoutEffect(() => {
    const editor = view.current
    if (!editor) return
    const line = error ? (lineInMessage(error.message) ?? lineOfPath(editor.state.doc.toString(), error.path)) : null
    setErrorLineNumber(line)
    editor.dispatch({
      effects: [
        setErrorLine.of(line),
        attributes.current.reconfigure(
          EditorView.contentAttributes.of({
            'aria-labelledby': `${id}-label`,
            // Focusable by Tab as a text field is (and so its scrolling box has focusable content, for axe's scrollable-region-focusable).
            tabindex: '0',
            'aria-invalid': error ? 'true' : 'false',
            ...(error ? { 'aria-describedby': `${id}-error` } : {}),
            spellcheck: 'false',
            autocorrect: 'off',
            autocapitalize: 'off',
          }),
        ),
      ],
    })
  }, [error, id, ready])

  return (
    <div className="space-y-1">
      <label id={`${id}-label`} className="text-[12px] text-muted" onClick={() => view.current?.focus()}>
        Scenario JSON ({SCENARIO_FORMAT})
      </label>
      {!ready && <p className="text-[12px] text-muted">Writing out the JSON…</p>}
      <div ref={host} className="font-mono text-[12px]" data-testid="json-view" />
      {pasteProblem && (
        <p role="alert" className="text-[12px] text-fail" data-testid="paste-error">
          {pasteProblem}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-[12px] text-fail" data-testid="json-error">
          {errorLine !== null ? `Line ${errorLine}: ` : ''}
          {error.path ? `${error.path}: ` : ''}
          {error.message}
        </p>
      )}
    </div>
  )
}
