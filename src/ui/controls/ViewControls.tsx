/** View options that feed the address-space view: the base address (hex) and the axis mode (Linear / Compressed). */
import { memo, useId, useState } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import type { AxisMode } from '../../store/explorer-store'
import { FIELD_LABEL } from './control-styles'

const AXIS_MODES: Array<{ mode: AxisMode; label: string; hint: string }> = [
  { mode: 'linear', label: 'Linear', hint: 'Pages to scale' },
  { mode: 'compressed', label: 'Compressed', hint: 'Gaps shrunk so small VMAs stay visible' },
]

function BaseAddressInput() {
  const store = useExplorerStoreApi()
  const baseAddress = useExplorer((s) => s.baseAddress)
  const [text, setText] = useState(baseAddress)
  const [problem, setProblem] = useState<string | null>(null)
  const problemId = useId()
  // When the store's address changes (a commit, a reset), the field shows it.
  const [shownBase, setShownBase] = useState(baseAddress)
  if (shownBase !== baseAddress) {
    setShownBase(baseAddress)
    setText(baseAddress)
  }

  const commit = () => setProblem(store.getState().setBaseAddress(text))

  return (
    <span className="relative flex items-center">
      <label className={FIELD_LABEL}>
        Base address
        <input
          type="text"
          spellCheck={false}
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          onBlur={commit}
          onKeyDown={(event) => {
            if (event.key === 'Enter') commit()
            if (event.key === 'Escape') {
              setText(baseAddress)
              setProblem(null)
            }
          }}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : undefined}
          className="h-7 w-36 rounded border border-line bg-raised px-1.5 font-mono text-[12px] text-fg aria-invalid:border-fail"
        />
      </label>
      {problem && (
        <span id={problemId} className="absolute top-full left-0 z-10 mt-0.5 rounded border border-fail bg-raised px-1.5 py-0.5 text-[11.5px] whitespace-nowrap text-fail">
          {problem}
        </span>
      )}
    </span>
  )
}

export const ViewControls = memo(function ViewControls() {
  const store = useExplorerStoreApi()
  const axisMode = useExplorer((s) => s.axisMode)
  return (
    <div className="flex flex-wrap items-center gap-2.5">
      <BaseAddressInput />
      <div className="flex items-center gap-1.5" role="group" aria-label="Axis">
        <span className="text-[12px] text-muted" aria-hidden="true">
          Axis
        </span>
        <span className="inline-flex overflow-hidden rounded border border-line">
          {AXIS_MODES.map(({ mode, label, hint }) => (
            <button
              key={mode}
              type="button"
              aria-pressed={axisMode === mode}
              title={hint}
              onClick={() => store.getState().setAxisMode(mode)}
              className="h-7 bg-raised px-2 text-[12px] text-fg not-first:border-l not-first:border-line hover:bg-selection aria-pressed:bg-selection aria-pressed:font-semibold"
            >
              {label}
            </button>
          ))}
        </span>
      </div>
    </div>
  )
})
