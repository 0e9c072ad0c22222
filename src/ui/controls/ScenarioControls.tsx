/**
 * Choosing the scenario: the built-in gallery, "Open scenario file" (a .json, or an
 * .svg/.png vmascope exported; through loadScenario; a broken file shows what is wrong and keeps the current
 * scenario) and "Download scenario" (the current one as .json).
 */
import { memo, useId } from 'react'
import { GALLERY, galleryTitle } from '../../scenario/gallery'
import { STRESS_SCENARIOS } from '../../scenario/stress'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import type { ScenarioSource } from '../../store/explorer-store'
import type { Scenario } from '../../scenario/types'
import { FIELD_LABEL, SELECT, TOOL_BUTTON } from './control-styles'
import { Icon } from '../icons/icons'
import { openScenarioFile } from '../export/use-file-drop'
import { FileButton } from '../import/FileButton'
import { OpeningStatus } from '../import/OpeningStatus'

const FILE_OPTION = '__file__'

function downloadName(source: ScenarioSource): string {
  if (source.kind === 'gallery') return `${source.id}.json`
  const base = source.name.replace(/\.json$/i, '')
  return `${base || 'scenario'}.json`
}

function download(scenario: Scenario, source: ScenarioSource): void {
  const blob = new Blob([`${JSON.stringify(scenario, null, 2)}\n`], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = downloadName(source)
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

export const ScenarioControls = memo(function ScenarioControls() {
  const store = useExplorerStoreApi()
  const source = useExplorer((s) => s.source)
  const selectId = useId()

  const onFile = async (file: File | undefined) => {
    if (!file) return
    await openScenarioFile(store, file) // a .json, or an .svg/.png that vmascope exported
  }

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Scenario">
      <span className={FIELD_LABEL}>
        <label htmlFor={selectId}>Scenario</label>
        <select
          id={selectId}
          className={`${SELECT} w-80 max-w-[calc(100vw-6rem)] font-sans sm:max-w-[40vw]`}
          value={source.kind === 'gallery' ? source.id : FILE_OPTION}
          onChange={(event) => store.getState().openGalleryScenario(event.currentTarget.value)}
        >
          {source.kind === 'file' && <option value={FILE_OPTION}>File: {source.name}</option>}
          {GALLERY.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {galleryTitle(entry)}
            </option>
          ))}
          <optgroup label="Stress (large)">
            {STRESS_SCENARIOS.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.title}
              </option>
            ))}
          </optgroup>
        </select>
      </span>
      <FileButton
        label="Open scenario file"
        icon={<Icon name="open" />}
        title="A vmascope scenario (.json), or an .svg/.png vmascope exported; you can also drop or paste one anywhere"
        accept=".json,.svg,.png,application/json,image/svg+xml,image/png"
        onChange={(event) => {
          const input = event.currentTarget
          void onFile(input.files?.[0]).then(() => (input.value = '')) // opening the same file again fires change again
        }}
      />
      <button
        type="button"
        className={TOOL_BUTTON}
        onClick={() => {
          const { scenario, source: current } = store.getState()
          download(scenario, current)
        }}
      >
        <Icon name="download" /> Download scenario
      </button>
      <OpeningStatus />
    </div>
  )
})
