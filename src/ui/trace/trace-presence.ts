/**
 * Whether a trace is open, in a module small enough for the explorer's first
 * view: the trace client (its worker, its store) loads only when a trace is
 * opened, and tells the page through this.
 */
let open = false
const listeners = new Set<() => void>()

export function setTraceOpen(value: boolean): void {
  if (open === value) return
  open = value
  for (const l of listeners) l()
}

export const traceOpen = (): boolean => open

export function subscribeTraceOpen(l: () => void): () => void {
  listeners.add(l)
  return () => listeners.delete(l)
}
