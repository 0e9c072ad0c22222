/**
 * Everything shown for one kernel at the current step: the address-space view,
 * the "Why" panel and the VMA table. Compare mode puts two panes side by side;
 * they share the step, the viewport and the view options from the store.
 */
import { vmaChanges, type VmaChangeKind } from '../../engine/changes'
import { lazy, memo, Suspense, useMemo, useRef, type ComponentProps } from 'react'
import type { KernelId } from '../../engine/api'
import { baseAddressValue } from '../../store/base-address'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import type { ShownStep } from '../engine-session/engine-session'
import { VmaTable } from '../vma-table/VmaTable'
import { rangeKey, type ImportedFields } from '../vma-table/table-sort'
import type { InitialVma } from '../../scenario/types'
import { AddressSpaceView, mergeableCount } from '../address-space'
import { useSteadyHeight } from './use-steady-height'
// The Why panel (its words, the KSM sentence, the kernel's changes) is a chunk of its own, loaded
// with the first view but not part of the main bundle.
const WhyPanel = lazy(() => import('../why/WhyPanel').then((m) => ({ default: m.WhyPanel })))

interface KernelPaneProps {
  shown: ShownStep
  kernel: KernelId
  /** Accessible name of the VMA table. */
  tableName: string
  /** The kernel's name on the view in compare mode; null when one kernel is shown. */
  label: string | null
  id: string
}

/** The smaps lines an import gave, by "start:end" (null when the scenario has none). */
function importedFieldsOf(vmas: readonly InitialVma[] | undefined): ImportedFields | null {
  if (!vmas?.some((v) => v.smaps)) return null
  const map = new Map<string, Readonly<Record<string, string>>>()
  for (const v of vmas) if (v.smaps) map.set(rangeKey(v), v.smaps)
  return map
}

const SECTION_TITLE = 'text-[12px] font-semibold tracking-wide text-muted uppercase'

/**
 * The address-space view with the store's viewport: a pan or zoom re-renders the view alone,
 * not the pane's Why panel, VMA table and header (which do not depend on it).
 */
function PaneAddressSpace(props: Omit<ComponentProps<typeof AddressSpaceView>, 'viewport'>) {
  const viewport = useExplorer((s) => s.viewport)
  return <AddressSpaceView {...props} viewport={viewport} />
}

export const KernelPane = memo(function KernelPane({ shown, kernel, tableName, label, id }: KernelPaneProps) {
  const store = useExplorerStoreApi()
  const axisMode = useExplorer((s) => s.axisMode)
  const baseAddressText = useExplorer((s) => s.baseAddress)
  const highlight = useExplorer((s) => s.highlight)
  const pinnedVmaId = useExplorer((s) => s.pinnedVmaId)
  const baseAddress = useMemo(() => baseAddressValue(baseAddressText), [baseAddressText])
  // What the step did to each struct it made or kept (a merge into prev is "expanded", not "new"), paired once for the view and the table.
  const changes = useMemo(
    () => ({ created: shown.created, removed: shown.removed, lifetimes: vmaChanges(shown.created, shown.removed, shown.result?.op) }),
    [shown],
  )
  const changed = useMemo(() => {
    const byId = new Map<number, VmaChangeKind>()
    for (const c of changes.lifetimes) if (c.after) byId.set(c.after.id, c.kind)
    return byId
  }, [changes])
  const actions = store.getState()
  const initialVmas = shown.run.scenario.initial?.vmas
  const imported = useMemo(() => importedFieldsOf(initialVmas), [initialVmas])
  const mergeable = mergeableCount(shown.vmas)
  const viewBox = useRef<HTMLDivElement>(null)
  useSteadyHeight(viewBox)

  return (
    <section aria-label={label ? `Kernel ${kernel}` : undefined} className="flex min-w-0 flex-col gap-2" data-kernel={kernel} data-pane={id}>
      <h2 className="flex flex-wrap items-baseline gap-x-2 px-0.5 text-[13px]" data-testid="pane-header" data-vmas={shown.vmas.length} data-mergeable={mergeable}>
        <span className="font-mono font-semibold">{kernel}</span>
        <span>
          {shown.vmas.length.toLocaleString('en-US')} {shown.vmas.length === 1 ? 'VMA' : 'VMAs'}, {mergeable.toLocaleString('en-US')} mg
        </span>
        <span className="text-[11.5px] text-muted">at step {shown.step}</span>
      </h2>
      <div ref={viewBox} className="rounded border border-line bg-panel p-2">
        <PaneAddressSpace
          vmas={shown.vmas}
          previousVmas={shown.previousVmas}
          changes={changes}
          step={shown.result}
          windowPages={shown.run.scenario.windowPages}
          baseAddress={baseAddress}
          axisMode={axisMode}
          onViewportChange={actions.setViewport}
          highlight={highlight}
          pinnedVmaId={pinnedVmaId}
          onPinVma={actions.pinVma}
          label={label ?? undefined}
        />
      </div>
      <div className="rounded border border-line bg-panel p-2">
        <Suspense fallback={<p className="text-[12.5px] text-muted">Why · {kernel}</p>}>
          <WhyPanel shown={shown} kernel={kernel} onHighlight={actions.setHighlight} headingId={`${id}-why`} baseAddress={baseAddress} />
        </Suspense>
      </div>
      <div className="rounded border border-line bg-panel py-1.5">
        <h3 className={`${SECTION_TITLE} px-2 pb-1`} aria-hidden="true">
          VMAs · {kernel} · {shown.vmas.length} {shown.vmas.length === 1 ? 'VMA' : 'VMAs'}
        </h3>
        <VmaTable
          name={tableName}
          runKey={`${shown.run.generation}:${shown.run.runId}`}
          vmas={shown.vmas}
          changed={changed}
          baseAddress={baseAddress}
          realProcess={shown.run.scenario.initial?.base !== undefined}
          pinnedVmaId={pinnedVmaId}
          onPinVma={actions.pinVma}
          imported={imported}
        />
      </div>
    </section>
  )
})
