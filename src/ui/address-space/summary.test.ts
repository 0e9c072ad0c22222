import { describe, expect, it } from 'vitest'
import type { StepResult } from '../../engine/api'
import { changeKindOf, describeView } from './summary'
import { parseStrip } from './test-strip'

describe('changeKindOf', () => {
  it('outlines merges in --change-merged, splits in --change-split, the rest as new', () => {
    expect(changeKindOf('merged-both')).toBe('merged')
    expect(changeKindOf('merged-prev')).toBe('merged')
    expect(changeKindOf('split')).toBe('split')
    expect(changeKindOf('new')).toBe('new')
    expect(changeKindOf(null)).toBe('new')
  })
})

describe('describeView', () => {
  it('summarises the window, the step and the viewport for the aria-label', () => {
    const vmas = parseStrip('AA|aa  ff')
    const step: StepResult = {
      index: 3,
      op: 'mmap',
      process: 'parent',
      error: null,
      outcome: 'merged-prev',
      ksm: 'late',
      summary: 'mmap B [2,4) rw- anon private',
      checks: [],
      created: [2],
      removed: [],
      range: [2, 4],
      mapCount: 3,
      mergeAny: true,
    }
    const text = describeView({ vmas, windowPages: 1024, viewport: { startPage: 0, endPage: 1024 }, step, axisMode: 'compressed', label: '6.16' })
    expect(text).toBe(
      '6.16: 3 VMAs in a 1024-page window, 1 mergeable (mg). Step 3, mmap B [2,4) rw- anon private: merged-prev (1 VMA created). Showing the whole window on a gap-compressed axis.',
    )
  })
})
