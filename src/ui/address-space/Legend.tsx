/**
 * The strip's key: backing fills, the VM_MERGEABLE hatch, and the step-change
 * and check-highlight marks. Every swatch reads the same theme tokens as the
 * drawing, so it matches in light, dark and presentation themes.
 */
import type { CSSProperties, JSX } from 'react'
import type { BackingKind } from '../../engine/api'
import { BACKING_KINDS } from './strip-geometry'
import { PROT_CLASSES, PROT_TOKEN } from './prot-lane'

export const BACKING_TOKEN: Record<BackingKind, string> = {
  anon: 'var(--vma-anon)',
  file: 'var(--vma-file)',
  shmem: 'var(--vma-shmem)',
  device: 'var(--vma-device)',
  heap: 'var(--vma-heap)',
}

const swatchBase = 'inline-block h-3 w-4 shrink-0 rounded-[2px]'

function Item({ swatch, style, children }: { swatch?: string; style: CSSProperties; children: string }): JSX.Element {
  return (
    <li className="flex items-center gap-1.5">
      <span aria-hidden="true" className={swatch ?? swatchBase} style={style} />
      {children}
    </li>
  )
}

export interface LegendProps {
  showHighlight: boolean
}

export function Legend({ showHighlight }: LegendProps): JSX.Element {
  return (
    <ul aria-label="Legend" className="m-0 flex list-none flex-wrap items-center gap-x-3 gap-y-1 p-0 text-xs text-(--fg-muted)">
      {BACKING_KINDS.map((kind) => (
        <Item key={kind} style={{ background: BACKING_TOKEN[kind], boxShadow: 'inset 0 0 0 1px var(--vma-boundary)' }}>
          {kind}
        </Item>
      ))}
      <Item
        style={{
          background:
            'repeating-linear-gradient(135deg, var(--vma-mergeable) 0 1.5px, transparent 1.5px 4px), var(--bg-panel)',
          boxShadow: 'inset 0 3px 0 var(--vma-mergeable), inset 0 0 0 1px var(--vma-boundary)',
        }}
      >
        mergeable (mg)
      </Item>
      <li aria-hidden="true" className="h-3 w-px bg-(--border)" />
      <li className="flex max-w-full min-w-0 flex-wrap items-center gap-x-1.5 gap-y-0.5" data-testid="legend-prot">
        <span>prot lane:</span>
        {PROT_CLASSES.map((k) => (
          <span key={k} className="flex items-center gap-0.5 font-mono">
            <span aria-hidden="true" className="inline-block h-1.5 w-3 rounded-[1px]" style={{ background: `var(${PROT_TOKEN[k]})` }} />
            {k}
          </span>
        ))}
        <span className="flex items-center gap-0.5">
          <span aria-hidden="true" className="inline-block h-1.5 w-3" style={{ background: 'repeating-linear-gradient(90deg, var(--prot-rw) 0 2px, var(--prot-r) 2px 4px)' }} />
          mixed
        </span>
        <span className="flex items-center gap-0.5">
          <span aria-hidden="true" className="inline-block h-1.5 w-0.5" style={{ background: 'var(--fg)' }} />
          flags differ
        </span>
      </li>
      <li aria-hidden="true" className="h-3 w-px bg-(--border)" />
      <Item style={{ boxShadow: 'inset 0 0 0 2px var(--change-new)' }}>new</Item>
      <Item style={{ boxShadow: 'inset 0 0 0 2px var(--change-merged)' }}>expanded</Item>
      <Item style={{ boxShadow: 'inset 0 0 0 2px var(--change-split)' }}>split / shrunk</Item>
      <Item style={{ boxShadow: 'inset 0 0 0 2px var(--change-modified)' }}>modified</Item>
      <Item swatch={`${swatchBase} border border-dashed`} style={{ borderColor: 'var(--change-removed)' }}>
        removed
      </Item>
      <Item
        swatch="inline-block h-2 w-4 shrink-0 border-x-2 border-t-2"
        style={{ borderColor: 'var(--accent)' }}
      >
        asked
      </Item>
      {showHighlight && (
        <>
          <Item swatch="inline-block h-2 w-4 shrink-0 border-x-2 border-b-2" style={{ borderColor: 'var(--prev-highlight)' }}>
            prev
          </Item>
          <Item swatch="inline-block h-2 w-4 shrink-0 border-x-2 border-b-2" style={{ borderColor: 'var(--next-highlight)' }}>
            next
          </Item>
        </>
      )}
    </ul>
  )
}
