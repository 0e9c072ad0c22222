/**
 * Whether a trace is open, and the strace line of each step of the part the
 * explorer shows, in a module small enough for the explorer's first view: the
 * trace client (its worker, its store) loads only when a trace is opened, and
 * tells the page through this.
 */
let open = false
/** The scenario object the explorer runs for the shown part, and each of its steps' calls. */
let shownCalls: { scenario: object; texts: readonly string[] } | null = null
const listeners = new Set<() => void>()
const notify = () => {
  for (const l of listeners) l()
}

export function setTraceOpen(value: boolean): void {
  if (open === value) return
  open = value
  if (!value) shownCalls = null
  notify()
}

export const traceOpen = (): boolean => open

/** The explorer now runs `scenario`, whose step i was made from the call `texts[i - 1]`. */
export function setShownTraceCalls(scenario: object, texts: readonly string[]): void {
  shownCalls = { scenario, texts }
  notify()
}

/**
 * The strace lines of `scenario`'s steps, when it is the trace part the explorer opened (an
 * edit makes a new scenario object, whose steps no longer are those calls): null otherwise.
 */
export function traceCallsOf(scenario: object): readonly string[] | null {
  return open && shownCalls?.scenario === scenario ? shownCalls.texts : null
}

export function subscribeTraceOpen(l: () => void): () => void {
  listeners.add(l)
  return () => listeners.delete(l)
}
