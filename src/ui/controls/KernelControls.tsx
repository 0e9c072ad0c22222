/** The "Kernel" select, the "Compare" switch and the "Compare with" select. */
import { memo, useId } from 'react'
import type { KernelId } from '../../engine/api'
import { PROFILES } from '../../engine/profiles'
import { KERNEL_GROUPS, kernelOptionText } from './kernel-groups'
import { isKernelId } from '../../store/explorer-store'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { FIELD_LABEL, SELECT } from './control-styles'

/** A label + select pair. The label is a sibling (not a wrapper), so its text is exactly `label`. */
function KernelSelect({ label, value, onChange }: { label: string; value: KernelId; onChange(kernel: KernelId): void }) {
  const id = useId()
  return (
    <span className={FIELD_LABEL}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        className={SELECT}
        value={value}
        onChange={(event) => {
          const chosen = event.currentTarget.value
          if (isKernelId(chosen)) onChange(chosen)
        }}
      >
        {KERNEL_GROUPS.map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.kernels.map(([id, note]) => (
              <option key={id} value={id} title={PROFILES[id].title}>
                {kernelOptionText(id, note)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </span>
  )
}

export const KernelControls = memo(function KernelControls() {
  const store = useExplorerStoreApi()
  const kernel = useExplorer((s) => s.kernel)
  const compare = useExplorer((s) => s.compare)
  const compareKernel = useExplorer((s) => s.compareKernel)
  const actions = store.getState()

  return (
    <div className="flex flex-wrap items-center gap-2.5" role="group" aria-label="Kernels">
      <KernelSelect label="Kernel" value={kernel} onChange={actions.setKernel} />
      <label className={`${FIELD_LABEL} text-fg`}>
        <input
          type="checkbox"
          checked={compare}
          onChange={(event) => actions.setCompare(event.currentTarget.checked)}
          className="size-3.5 accent-[var(--accent)]"
        />
        Compare
      </label>
      <KernelSelect label="Compare with" value={compareKernel} onChange={actions.setCompareKernel} />
    </div>
  )
})
