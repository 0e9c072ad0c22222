/**
 * Golden tests for do_mmap()'s map types (./mmap.ts): MAP_SHARED_VALIDATE. Read from the kernel
 * source; src/fidelity/scenarios/i11-map-shared-validate.json shows this machine's 6.18 gives the same.
 */
import { describe, expect, it } from 'vitest'
import type { Scenario, Step } from '../../scenario/types'
import { simulate } from '../simulate'

const file = (pgoff: number) => ({ kind: 'file', file: 'F', pgoff, fs: 'ext4' }) as const
const map = (at: number | undefined, backing: object, mapFlags: string[]): Step =>
  ({ op: 'mmap', name: 'M', ...(at === undefined ? {} : { at }), pages: 2, prot: 'rw-', share: 'shared', backing, mapFlags }) as Step
const errors = (steps: Step[]) =>
  simulate({ format: 'vma-scenario/3', windowPages: 64, placement: 'kernel', steps } satisfies Scenario, '6.18').steps.map((s) => s.error)

describe('do_mmap: switch (flags & MAP_TYPE) with MAP_SHARED_VALIDATE', () => {
  it('a file: as MAP_SHARED with MAP_FIXED or kernel placement; EOPNOTSUPP with MAP_FIXED_NOREPLACE (not in LEGACY_MAP_MASK), after the EEXIST check', () => {
    expect(errors([map(0, file(0), ['MAP_SHARED_VALIDATE']), map(0, file(0), ['MAP_SHARED_VALIDATE', 'MAP_FIXED']), map(undefined, file(4), ['MAP_SHARED_VALIDATE']), map(0, file(0), ['MAP_SHARED_VALIDATE'])]))
      .toEqual(['EOPNOTSUPP', null, null, 'EEXIST'])
  })
  it('anonymous memory: EINVAL ("default: return -EINVAL")', () => {
    expect(errors([map(8, { kind: 'anon' }, ['MAP_SHARED_VALIDATE', 'MAP_FIXED'])])).toEqual(['EINVAL'])
  })
})
