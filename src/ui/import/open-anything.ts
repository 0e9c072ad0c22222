/**
 * One way in for whatever the user drops or pastes on the page: a scenario
 * (.json, or an .svg/.png vmascope exported), the text of /proc/PID/smaps or
 * /proc/PID/maps, or a recording made by `npm run record`. It is told apart
 * by content, not by file name, and opened the way its own button opens it.
 */
import type { ExplorerStore } from '../../store/explorer-store'
import { openScenarioFile } from '../export/use-file-drop'
import { offerRecording } from '../recording/recording-inbox'
import { InputTooLarge, pastedTextTooLarge, readTextCapped } from './read-capped'
import { openImportedJson } from './open-imported'
import { openScenarioInWorker } from './open-in-worker'

export type TextKind = 'scenario' | 'recording' | 'smaps' | 'unknown'

/** A /proc/PID/maps line: "7f0000000000-7f0000002000 rw-p 00000000 00:00 0   [heap]". */
const MAPS_LINE = /^\s*[0-9a-f]+-[0-9a-f]+\s+[r-][w-][x-][ps]\s+[0-9a-f]+\s+[0-9a-f]+:[0-9a-f]+\s+\d+/im

export function classifyText(text: string): TextKind {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    // A recording is the runner document of a real kernel: { kernel: "real:6.18…", steps: [...] }.
    if (/^\{\s*"kernel"\s*:\s*"real:/.test(trimmed) || /"kernel"\s*:\s*"real:/.test(trimmed.slice(0, 400))) return 'recording'
    return 'scenario'
  }
  return MAPS_LINE.test(trimmed) ? 'smaps' : 'unknown'
}

/** Opens an imported process (the smaps/maps text) as the scenario, on the compressed axis from address 0. */
export async function openSmapsText(store: ExplorerStore, text: string, name: string): Promise<boolean> {
  const { importSmapsText, importedScenarioJson } = await import('../../import/to-scenario')
  const imported = importSmapsText(text, name)
  if (imported.document.initial.vmas.length === 0) {
    store.setState({ scenarioError: `${name}: no mapping could be read; is it the text of /proc/PID/smaps or maps?` })
    return false
  }
  const json = importedScenarioJson(imported, name)
  if (!json.ok) {
    store.setState({ scenarioError: json.message })
    return false
  }
  return openImportedJson(store, json.json, name)
}

const PASTED_NAME: Record<TextKind, string> = { scenario: 'pasted scenario', recording: 'pasted recording', smaps: 'pasted maps', unknown: 'pasted text' }

/** Opens text by what it is; `name` (a file's) defaults to "pasted maps", "pasted scenario"… */
export async function openText(store: ExplorerStore, text: string, fileName?: string): Promise<boolean> {
  const kind = classifyText(text)
  const name = fileName ?? PASTED_NAME[kind]
  switch (kind) {
    case 'scenario':
      return openScenarioInWorker(store, text, name)
    case 'recording':
      offerRecording({ name, text })
      return true
    case 'smaps':
      return openSmapsText(store, text, name)
    case 'unknown':
      store.setState({ scenarioError: `${name}: this is neither a vmascope scenario (JSON), nor the text of /proc/PID/maps or smaps, nor a recording` })
      return false
  }
}

/** Text pasted on the page: refused past the 64 MiB cap before it is classified or parsed, else opened as openText opens it. */
export async function openPastedText(store: ExplorerStore, text: string): Promise<boolean> {
  const tooLarge = pastedTextTooLarge(text)
  if (tooLarge !== null) {
    store.setState({ scenarioError: `pasted text: ${tooLarge}` })
    return false
  }
  return openText(store, text)
}

/** A dropped file: pictures and JSON go through the scenario reader; other text is classified. */
export async function openAnyFile(store: ExplorerStore, file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer())
  const isPng = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47
  if (isPng) return openScenarioFile(store, file)
  let text: string
  try {
    text = await readTextCapped(file) // the 64 MiB cap, enforced while reading
  } catch (error) {
    if (!(error instanceof InputTooLarge)) throw error
    store.setState({ scenarioError: `${file.name}: ${error.message}` })
    return false
  }
  // Markup (an SVG, whatever comes before its <svg>) goes to the reader of exported pictures, which says what it is.
  if (text.replace(/^\ufeff/, '').trimStart().startsWith('<')) return openScenarioFile(store, file)
  const kind = classifyText(text)
  if (kind === 'scenario') return openScenarioFile(store, file)
  return openText(store, text, file.name)
}
