/**
 * What the kernel's arithmetic needs to know about the process and the machine,
 * beyond the scenario's page numbers: the absolute address of the window
 * (anonymous vm_pgoff is `addr >> PAGE_SHIFT`; THP alignment is of absolute
 * addresses) and whether the CPU has protection keys.
 */
import type { Scenario } from '../scenario/types'

/** The base the engine assumes when a scenario gives none: 2 MiB-aligned, where x86-64 mmaps live. */
export const DEFAULT_BASE = 0x7f0000000000
export const DEFAULT_BASE_TEXT = '0x7f0000000000'
/** Protection keys when the scenario does not say: x86-64 CPUs with PKU (and ospke) are the common case. */
export const DEFAULT_PROTECTION_KEYS = true

/** PMD_SIZE in pages: a transparent huge page. */
export const PMD_PAGES = 512
/** stack_guard_gap (mm/mmap.c): 256 pages, the default of the stack_guard_gap= boot parameter. */
export const STACK_GUARD_GAP_PAGES = 256
/** The default huge page size on x86-64 (Hugepagesize: 2048 kB), in pages: MAP_HUGETLB without MAP_HUGE_*. */
export const HUGE_PAGE_PAGES = 512
/** RLIMIT_STACK as a shell leaves it (ulimit -s 8192, this machine's): 8 MiB, in pages. */
export const STACK_RLIMIT_PAGES = 2048

export interface MachineAssumptions {
  /** Absolute page number of window page 0. */
  basePage: number
  /** The base came from the scenario (base or initial.base), not DEFAULT_BASE. */
  baseKnown: boolean
  baseText: string
  protectionKeys: boolean
  /** The scenario said whether the machine has protection keys. */
  protectionKeysKnown: boolean
}

export function machineAssumptions(scenario: Scenario): MachineAssumptions {
  const text = scenario.base ?? scenario.initial?.base
  const pk = scenario.machine?.protectionKeys
  // Page-aligned by the loader's rule is not enforced for initial.base; round down as the kernel would see page 0.
  const page = text !== undefined ? Math.floor(Number.parseInt(text.slice(2), 16) / 4096) : DEFAULT_BASE / 4096
  return {
    basePage: Number.isFinite(page) ? page : DEFAULT_BASE / 4096,
    baseKnown: text !== undefined,
    baseText: text ?? DEFAULT_BASE_TEXT,
    protectionKeys: pk ?? DEFAULT_PROTECTION_KEYS,
    protectionKeysKnown: pk !== undefined,
  }
}
