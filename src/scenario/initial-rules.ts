/**
 * Rules of `initial` (the address space a scenario starts with) that tie one
 * field to another, which the per-field schema cannot say: VMAs in address
 * order without overlap, inside the window, a file name where the backing has
 * a file, and flags that agree with prot and share. Read leniently from the
 * raw document, like the loader's other cross-field rules, so the first
 * problem in document order is the one reported.
 */
import { DEFAULT_WINDOW_PAGES } from './schema'
import type { IssuePath } from './issue-text'

type Problem = { path: IssuePath; message: string }

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isWhole = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0

/** The flags that prot and share decide (show_map_vma prints them from these). */
const PROT_FLAGS: ReadonlyArray<readonly [flag: string, holds: (prot: string, share: unknown) => boolean, words: string]> = [
  ['VM_READ', (prot) => prot[0] === 'r', 'prot has r'],
  ['VM_WRITE', (prot) => prot[1] === 'w', 'prot has w'],
  ['VM_EXEC', (prot) => prot[2] === 'x', 'prot has x'],
  ['VM_MAYSHARE', (_prot, share) => share === 'shared', 'share is "shared"'],
]

export function initialStateProblems(document: Record<string, unknown>): Problem[] {
  const initial = document.initial
  if (!isRecord(initial) || !Array.isArray(initial.vmas)) return []
  const windowPages = isWhole(document.windowPages) ? document.windowPages : DEFAULT_WINDOW_PAGES
  const problems: Problem[] = []
  let previousEnd: number | null = null
  initial.vmas.forEach((vma: unknown, i) => {
    if (!isRecord(vma)) return
    const at = (field: string): IssuePath => ['initial', 'vmas', i, field]
    const { start, end } = vma
    if (isWhole(start) && isWhole(end)) {
      if (end <= start) problems.push({ path: at('end'), message: `must be above start (${start}); a VMA holds at least one page` })
      else if (end > windowPages) problems.push({ path: at('end'), message: `${end} lies past the window's end (windowPages ${windowPages})` })
      if (previousEnd !== null && start < previousEnd) {
        problems.push({ path: at('start'), message: `${start} overlaps or comes before the VMA above it (which ends at ${previousEnd}); list VMAs in address order without overlap` })
      }
      previousEnd = end
    }
    const backing = vma.backing
    if ((backing === 'file' || backing === 'shmem' || backing === 'device' || backing === 'sysv') && vma.file === undefined) {
      problems.push({ path: at('file'), message: `required, because the backing is "${backing}"` })
    }
    if (Array.isArray(vma.flags) && typeof vma.prot === 'string') {
      for (const [flag, holds, words] of PROT_FLAGS) {
        const want = holds(vma.prot, vma.share)
        if (vma.flags.includes(flag) !== want) {
          problems.push({ path: at('flags'), message: want ? `lacks ${flag}, but ${words}` : `has ${flag}, but ${words.replace(' has ', ' lacks ').replace(' is ', ' is not ')}` })
          break
        }
      }
    }
  })
  return problems
}
