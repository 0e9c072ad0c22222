/**
 * Opening a file in vmascope: a scenario .json, or an .svg / .png that
 * vmascope exported (the scenario rides inside it). The kind is decided by
 * the content, not the name: a PNG signature, an <svg> element, else JSON.
 * Whatever is found goes through loadScenario; a picture without a scenario
 * gets a message that says so.
 */
import { loadScenario, type LoadResult } from '../scenario/load'
import { SCENARIO_KEYWORD, isPng, readPngText } from './png-text'
import { extractScenarioFromSvg } from './svg-scenario'

/** Larger files are not read (a scenario file of the largest allowed scenario is far smaller). */
export const MAX_OPEN_FILE_BYTES = 64 * 1024 * 1024

export type FileKind = 'png' | 'svg' | 'json'

export type OpenFileResult = (LoadResult & { kind: FileKind }) | { ok: false; kind: FileKind | 'unknown'; text: string; error: { path: string; message: string } }

function failure(kind: FileKind | 'unknown', message: string): OpenFileResult {
  return { ok: false, kind, text: message, error: { path: '', message } }
}

function looksLikeSvg(text: string): boolean {
  const head = text.slice(0, 4096).trimStart()
  return /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<svg\b/i.test(head)
}

export function openScenarioBytes(bytes: Uint8Array): OpenFileResult {
  if (bytes.length > MAX_OPEN_FILE_BYTES) {
    return failure('unknown', `the file is ${(bytes.length / 1048576).toFixed(1)} MB; vmascope opens files up to ${MAX_OPEN_FILE_BYTES / 1048576} MB`)
  }
  if (isPng(bytes)) {
    const found = readPngText(bytes, SCENARIO_KEYWORD)
    if (!found.ok) return failure('png', found.message)
    if (found.text === null) return failure('png', 'this PNG holds no vmascope scenario (it was not exported by vmascope, or a program removed its text chunks)')
    return { ...loadScenario(found.text), kind: 'png' }
  }
  const text = new TextDecoder('utf-8').decode(bytes)
  if (looksLikeSvg(text)) {
    const json = extractScenarioFromSvg(text)
    if (json === null) return failure('svg', 'this SVG holds no vmascope scenario (it was not exported by vmascope, or an editor removed its <metadata>)')
    return { ...loadScenario(json), kind: 'svg' }
  }
  return { ...loadScenario(text), kind: 'json' }
}
