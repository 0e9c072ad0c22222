/**
 * The share-link codec: explorer state ⇄ URL hash.
 *
 *   #v1.<lz-string compressToEncodedURIComponent( JSON {"s": scenario, "v": view} )>
 *
 * - Versioned: the number after "v" names the format. This build writes and
 *   reads v1; a link from a newer format gets a message saying so (a later
 *   build adds a migration for v1, as Compiler Explorer's loadState does).
 * - In the hash, so the state never reaches a server.
 * - The scenario is written without the fields that equal loadScenario's
 *   defaults (pgoff 0, fs "ext4", …): shorter links, same scenario.
 * - Decoding never throws and never evaluates anything: the length is capped
 *   before and during decompression (bounded-lz.ts), the JSON is parsed with
 *   JSON.parse, the scenario goes through loadScenario and the view through a
 *   zod schema. Every failure comes back as a message naming what is wrong.
 */
import { compressToEncodedURIComponent } from 'lz-string'
import { loadScenario } from '../scenario/load'
import type { Backing, Scenario, Step } from '../scenario/types'
import { DEFAULT_WINDOW_PAGES } from '../scenario/schema'
import { decompressLinkPayload } from './bounded-lz'
import { completeSharedView, sharedViewSchema, type ShareState, type SharedView } from './share-state'

export const SHARE_FORMAT_VERSION = 1
export const SHARE_PREFIX = `v${SHARE_FORMAT_VERSION}.`

/** Longest hash the decoder looks at (Chromium's own URL limit is 2 MB). */
export const MAX_HASH_CHARS = 2_000_000
/** Longest JSON the decoder lets the compressed payload expand to. */
export const MAX_DECODED_CHARS = 8_000_000
/** Above this many characters a link is not offered; the scenario file is (RFC 9110 asks servers and clients to support ≥ 8000). */
export const LINK_LENGTH_LIMIT = 8000
/** Above this, chat apps and forums may cut the link off. */
export const LINK_LENGTH_WARNING = 2000

export type ShareDecodeErrorKind =
  | 'not-a-link'
  | 'newer-format'
  | 'unknown-format'
  | 'too-large'
  | 'bad-character'
  | 'truncated'
  | 'corrupt'
  | 'not-json'
  | 'bad-shape'
  | 'bad-scenario'
  | 'bad-view'

export type ShareDecodeResult =
  | { ok: true; state: ShareState; warnings: string[] }
  /** No state in the hash at all: not an error, the explorer just opens its default. */
  | { ok: false; kind: 'empty' }
  | { ok: false; kind: ShareDecodeErrorKind; message: string }

// ------------------------------------------------------------ encode

function compactBacking(backing: Backing): Record<string, unknown> {
  const out: Record<string, unknown> = { ...backing }
  if ('pgoff' in backing && backing.pgoff === 0) delete out.pgoff
  if (backing.kind === 'file' && backing.fs === 'ext4') delete out.fs
  if (backing.kind === 'device') {
    if (backing.hook === 'mmap') delete out.hook
    if (backing.setsFlags.length === 0) delete out.setsFlags
  }
  return out
}

function compactStep(step: Step): Record<string, unknown> {
  const out: Record<string, unknown> = { ...step }
  if (step.op === 'mmap') out.backing = compactBacking(step.backing)
  if (step.op === 'touch' && !step.write) delete out.write
  return out
}

/** The scenario without the values loadScenario fills in by default; loading it gives back the same scenario. */
export function compactScenario(scenario: Scenario): Record<string, unknown> {
  const out: Record<string, unknown> = { ...scenario, steps: scenario.steps.map(compactStep) }
  if (scenario.windowPages === DEFAULT_WINDOW_PAGES) delete out.windowPages
  if (scenario.placement === 'fixed') delete out.placement
  return out
}

/** The view without the fields equal to their defaults. */
function compactView(view: SharedView, stepCount: number): Record<string, unknown> {
  const out: Record<string, unknown> = { kernel: view.kernel }
  if (view.compare !== null) out.compare = view.compare
  if (view.step !== stepCount) out.step = view.step
  if (view.axisMode !== 'linear') out.axisMode = view.axisMode
  if (view.baseAddress !== '0x7f0000000000') out.baseAddress = view.baseAddress
  if (view.viewport !== null) out.viewport = view.viewport
  if (view.pinnedVmaId !== null) out.pinnedVmaId = view.pinnedVmaId
  return out
}

/** The hash (without "#") that carries `state`. */
export function encodeShareHash(state: ShareState): string {
  const document = { s: compactScenario(state.scenario), v: compactView(state.view, state.scenario.steps.length) }
  return `${SHARE_PREFIX}${compressToEncodedURIComponent(JSON.stringify(document))}`
}

/**
 * The full link: the page's address without its old hash, keeping only the
 * query parameters that say how to open it (?present=1, ?embed=1), plus the
 * state's hash. `pageUrl` is location.href; the path is kept as it is, so a
 * site served under /vmascope/ shares /vmascope/ links.
 */
export function buildShareUrl(pageUrl: string, state: ShareState, options: { present?: boolean; embed?: boolean } = {}): string {
  const url = new URL(pageUrl)
  const kept = new URLSearchParams()
  if (options.present) kept.set('present', '1')
  if (options.embed) kept.set('embed', '1')
  url.search = kept.toString()
  url.hash = encodeShareHash(state)
  return url.toString()
}

// ------------------------------------------------------------ decode

function fail(kind: ShareDecodeErrorKind, message: string): ShareDecodeResult {
  return { ok: false, kind, message }
}

/** A short, quoted, escaped sample of untrusted text for a message. */
function sample(text: string, max = 24): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text)
}

/**
 * Reads a hash (with or without the leading "#"). Never throws: anything
 * wrong, from a stray character to a hostile payload, comes back as an error
 * with a message for the person who opened the link.
 */
export function decodeShareHash(hash: string): ShareDecodeResult {
  try {
    return decodeUnchecked(hash)
  } catch (error) {
    return fail('corrupt', `the link could not be read (${error instanceof Error ? error.message : String(error)})`)
  }
}

function decodeUnchecked(rawHash: string): ShareDecodeResult {
  const hash = rawHash.startsWith('#') ? rawHash.slice(1) : rawHash
  if (hash === '') return { ok: false, kind: 'empty' }
  if (hash.length > MAX_HASH_CHARS) {
    return fail('too-large', `the link is ${hash.length.toLocaleString('en-US')} characters long; links longer than ${MAX_HASH_CHARS.toLocaleString('en-US')} are not read`)
  }
  const version = /^v(\d{1,9})\./.exec(hash)
  if (!version) {
    return fail('not-a-link', `the part after "#" is not a vmascope state (it should start with "#${SHARE_PREFIX}"; it starts with ${sample(hash, 12)})`)
  }
  const formatNumber = Number(version[1])
  if (formatNumber > SHARE_FORMAT_VERSION) {
    return fail(
      'newer-format',
      `this link was made by a newer vmascope (state format v${formatNumber}); this page reads format v${SHARE_FORMAT_VERSION}. Open it with the newer version, or ask the sender for the scenario file.`,
    )
  }
  if (formatNumber !== SHARE_FORMAT_VERSION) {
    return fail('unknown-format', `no vmascope link format is called v${formatNumber}; this page reads format v${SHARE_FORMAT_VERSION}`)
  }

  const payload = decodePercentEscapes(hash.slice(version[0].length))
  const decompressed = decompressLinkPayload(payload, MAX_DECODED_CHARS)
  if (!decompressed.ok) {
    switch (decompressed.reason) {
      case 'empty':
        return fail('truncated', 'the link ends right after its version: the state is missing (was the link cut off?)')
      case 'bad-character':
        return fail('bad-character', `the link contains ${sample(decompressed.character)} at position ${decompressed.index + version[0].length + 1}, which cannot be part of a vmascope state`)
      case 'truncated':
        return fail('truncated', 'the link is cut short: its compressed state ends too early (copy the whole link, it may have been cut off)')
      case 'corrupt':
        return fail('corrupt', 'the link is damaged: its compressed state does not decode')
      case 'too-large':
        return fail('too-large', `the link's state expands to more than ${decompressed.limit.toLocaleString('en-US')} characters, which is not read`)
    }
  }

  let document: unknown
  try {
    document = JSON.parse(decompressed.text)
  } catch (error) {
    return fail('not-json', `the link's state is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`)
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return fail('bad-shape', 'the link\'s state should be an object with a scenario ("s") and a view ("v")')
  }
  const record = document as Record<string, unknown>
  if (!('s' in record)) return fail('bad-shape', 'the link\'s state has no scenario ("s")')

  const loaded = loadScenario(record.s)
  if (!loaded.ok) {
    const where = loaded.error.path === '' ? 'scenario' : `scenario.${loaded.error.path}`
    return fail('bad-scenario', `${where}: ${loaded.error.message}`)
  }

  const viewInput = record.v === undefined ? {} : record.v
  const parsedView = sharedViewSchema.safeParse(viewInput)
  if (!parsedView.success) {
    const issue = parsedView.error.issues[0]
    const path = issue ? ['view', ...issue.path.map(String)].join('.') : 'view'
    return fail('bad-view', `${path}: ${issue?.message ?? 'invalid view'}`)
  }
  const view = completeSharedView(parsedView.data, loaded.scenario)
  if (!view.ok) return fail('bad-view', view.message)

  const warnings = [...loaded.warnings]
  const unknownKeys = Object.keys(record).filter((key) => key !== 's' && key !== 'v')
  if (unknownKeys.length > 0) warnings.push(`ignored unknown fields in the link: ${unknownKeys.slice(0, 5).map((k) => sample(k)).join(', ')}`)
  return { ok: true, state: { scenario: loaded.scenario, view: view.view }, warnings }
}

/**
 * Some mailers and chat apps percent-encode "+" and "$" when they pass a link
 * on. Undo exactly those escapes (and nothing else: a stray "%" stays and is
 * reported as a bad character).
 */
function decodePercentEscapes(payload: string): string {
  return payload.replace(/%2B/gi, '+').replace(/%24/g, '$')
}
