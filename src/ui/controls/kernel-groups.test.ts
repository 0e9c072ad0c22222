import { describe, expect, it } from 'vitest'
import { KERNEL_IDS } from '../../engine/api'
import { PROFILES } from '../../engine/profiles'
import { KERNEL_GROUPS, kernelOptionText } from './kernel-groups'

describe('the Kernel select groups', () => {
  it('list every profile exactly once, each with a note', () => {
    const listed = KERNEL_GROUPS.flatMap((g) => g.kernels.map(([id]) => id))
    expect([...listed].sort()).toEqual([...KERNEL_IDS].sort())
    for (const g of KERNEL_GROUPS) for (const [, note] of g.kernels) expect(note.length).toBeGreaterThan(10)
  })

  it('put exactly the long-term profiles in the first group, marked LTS', () => {
    expect(KERNEL_GROUPS[0]!.kernels.map(([id]) => id)).toEqual(KERNEL_IDS.filter((id) => PROFILES[id].longTerm))
    expect(kernelOptionText('6.12', 'x')).toBe('6.12 LTS — x')
    expect(kernelOptionText('6.16', 'x')).toBe('6.16 — x')
  })
})
