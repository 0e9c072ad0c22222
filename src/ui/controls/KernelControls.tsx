/** The "Kernel" select, the "Compare" switch and the "Compare with" select. */
import { memo, useId } from 'react'
import type { KernelId } from '../../engine/api'
import { PROFILES } from '../../engine/profiles'
import { isKernelId } from '../../store/explorer-store'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { FIELD_LABEL, SELECT } from './control-styles'

/**
 * The releases as the select groups them: long-term kernels as kernel.org lists them
 * (www.kernel.org/category/releases.html), the other releases, and the posted patch.
 * Each entry's text carries a one-line note on what it shows.
 */
const KERNEL_GROUPS: ReadonlyArray<{ label: string; kernels: ReadonlyArray<[KernelId, string]> }> = [
  {
    label: 'Long-term (kernel.org)',
    kernels: [
      ['6.1', 'no PR_SET_MEMORY_MERGE (EINVAL); MADV_MERGEABLE merges'],
      ['6.6', 'VM_MERGEABLE set late: new mappings never merge'],
      ['6.12', 'VM_MERGEABLE set late: new mappings never merge'],
      ['6.18', 'the fix: VM_MERGEABLE set early'],
    ],
  },
  {
    label: 'Other releases',
    kernels: [
      ['6.15', 'VM_MERGEABLE set late; the old anon_vma rule'],
      ['6.16', 'VM_MERGEABLE set late; the last release with the bug'],
      ['6.17', 'the fix lands: VM_MERGEABLE set early'],
    ],
  },
  { label: 'Posted patch', kernels: [['v2', 'the fix as posted in May 2025, with its defect']] },
]

const LONG_TERM = new Set<KernelId>(KERNEL_GROUPS[0]!.kernels.map(([id]) => id))

/** "6.12 LTS — VM_MERGEABLE set late: new mappings never merge" */
export const kernelOptionText = (id: KernelId, note: string): string => `${id}${LONG_TERM.has(id) ? ' LTS' : ''} — ${note}`

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
