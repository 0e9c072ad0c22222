/**
 * Numbers of the kernel's user ABI that the tools translate to and from names
 * (include/uapi/asm-generic/mman-common.h, include/uapi/linux/shm.h): the tracer reads them from
 * traced calls, the recorder script (src/fidelity) and the C reproducer write them.
 */
import type { MadviseAdvice, MlockallFlag, ShmatFlag } from '../scenario/types'

/** shmat(2)'s flag bits (include/uapi/linux/shm.h). */
export const SHM_BITS: Readonly<Record<ShmatFlag, number>> = { SHM_RDONLY: 0o10000, SHM_RND: 0o20000, SHM_REMAP: 0o40000, SHM_EXEC: 0o100000 }
export const shmatBits = (flags: readonly ShmatFlag[] | undefined): number => (flags ?? []).reduce((bits, f) => bits | SHM_BITS[f], 0)

/** Every madvise advice by number, including those the scenario format does not name. */
export const MADVISE_NAMES: Readonly<Record<number, string>> = {
  0: 'MADV_NORMAL', 1: 'MADV_RANDOM', 2: 'MADV_SEQUENTIAL', 3: 'MADV_WILLNEED', 4: 'MADV_DONTNEED', 8: 'MADV_FREE',
  9: 'MADV_REMOVE', 10: 'MADV_DONTFORK', 11: 'MADV_DOFORK', 12: 'MADV_MERGEABLE', 13: 'MADV_UNMERGEABLE',
  14: 'MADV_HUGEPAGE', 15: 'MADV_NOHUGEPAGE', 16: 'MADV_DONTDUMP', 17: 'MADV_DODUMP', 18: 'MADV_WIPEONFORK',
  19: 'MADV_KEEPONFORK', 20: 'MADV_COLD', 21: 'MADV_PAGEOUT', 22: 'MADV_POPULATE_READ', 23: 'MADV_POPULATE_WRITE',
  24: 'MADV_DONTNEED_LOCKED', 25: 'MADV_COLLAPSE', 100: 'MADV_HWPOISON', 101: 'MADV_SOFT_OFFLINE',
  102: 'MADV_GUARD_INSTALL', 103: 'MADV_GUARD_REMOVE',
}

const NUMBER_BY_NAME = new Map(Object.entries(MADVISE_NAMES).map(([n, name]) => [name, Number(n)]))

/** The number of an advice the format names. */
export function madviseNumber(advice: MadviseAdvice): number {
  return NUMBER_BY_NAME.get(advice)!
}

/** mlockall(2) flags (include/uapi/asm-generic/mman.h, as x86 uses them). */
export const MLOCKALL_BITS: Readonly<Record<MlockallFlag, number>> = { MCL_CURRENT: 1, MCL_FUTURE: 2, MCL_ONFAULT: 4 }

/** The flags as the number mlockall() takes. */
export function mlockallFlags(flags: readonly MlockallFlag[]): number {
  return flags.reduce((n, f) => n | MLOCKALL_BITS[f], 0)
}
