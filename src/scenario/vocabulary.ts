/**
 * The words of the scenario format, each list defined once: the schema (./schema.ts) checks
 * against these lists, the types (./types.ts) are derived from them, and the editor, the tracer
 * and the property tests import them from here. No zod here: the page's first chunk can import
 * a list without the schema.
 */

export const SHARES = ['private', 'shared'] as const
export const PLACEMENTS = ['fixed', 'kernel'] as const
export const PRCTL_OPTIONS = ['PR_SET_MEMORY_MERGE'] as const
export const STEP_OPS = ['mmap', 'munmap', 'mprotect', 'madvise', 'prctl', 'brk', 'touch', 'fork', 'mremap', 'mlock', 'munlock', 'mlockall', 'munlockall', 'mseal', 'pkey_mprotect', 'pkey_alloc', 'pkey_free', 'shmget', 'shmat', 'shmdt'] as const
/** A step's `backing.kind`: secretmem, perf and io_uring are the files of memfd_secret(2), perf_event_open(2) and io_uring_setup(2). */
export const BACKING_KINDS = ['anon', 'file', 'shmem', 'device', 'secretmem', 'perf', 'io_uring'] as const
/** mmap(2) flags a step may give besides the map type and MAP_ANONYMOUS. */
export const MAP_FLAGS = [
  'MAP_NORESERVE',
  'MAP_POPULATE',
  'MAP_LOCKED',
  'MAP_DROPPABLE',
  'MAP_FIXED',
  /** Version 2. calc_vm_flag_bits(): VM_NOHUGEPAGE since 6.7 (c4608d1bf7c6). */
  'MAP_STACK',
  /** Version 2. The map type MAP_SHARED_VALIDATE (0x03) instead of MAP_SHARED: the kernel refuses flags it does not know for the file. */
  'MAP_SHARED_VALIDATE',
  /** Version 2. VM_GROWSDOWN: private anonymous memory only (EINVAL otherwise); a fault just below it grows it down. */
  'MAP_GROWSDOWN',
  /** Version 2. Anonymous memory in 2 MiB huge pages from a hugetlbfs file of its own (VM_HUGETLB); the engine assumes no free huge pages. */
  'MAP_HUGETLB',
] as const
/** madvise advices: version 1 had the first two. */
export const MADVISE_ADVICES = [
  'MADV_MERGEABLE', 'MADV_UNMERGEABLE',
  'MADV_NORMAL', 'MADV_RANDOM', 'MADV_SEQUENTIAL',
  'MADV_DONTFORK', 'MADV_DOFORK', 'MADV_WIPEONFORK', 'MADV_KEEPONFORK',
  'MADV_HUGEPAGE', 'MADV_NOHUGEPAGE', 'MADV_DONTDUMP', 'MADV_DODUMP',
  'MADV_WILLNEED', 'MADV_DONTNEED', 'MADV_FREE', 'MADV_COLD', 'MADV_PAGEOUT',
  'MADV_POPULATE_READ', 'MADV_POPULATE_WRITE',
] as const
/** mlockall(2) flags (include/uapi/asm-generic/mman-common.h), version 2. */
export const MLOCKALL_FLAGS = ['MCL_CURRENT', 'MCL_FUTURE', 'MCL_ONFAULT'] as const
/** shmat(2) flags (include/uapi/linux/shm.h), version 3. */
export const SHMAT_FLAGS = ['SHM_RDONLY', 'SHM_EXEC', 'SHM_RND', 'SHM_REMAP'] as const
/** The file systems a `file` backing can be on, each with its own .mmap hook (src/engine/mm/mmap.ts). */
export const FILE_SYSTEMS = ['ext4', 'tmpfs', 'overlayfs'] as const
/** Which file_operations hook maps the file: .mmap, or .mmap_prepare (6.16+), which sets VM_MERGEABLE early from 6.17. */
export const FILE_HOOKS = ['mmap', 'mmap_prepare'] as const

/**
 * The VM_* flags a driver's mmap hook may add to its VMA (`setsFlags`), in
 * kernel bit order (include/linux/mm.h). Left out on purpose: the flags
 * that come from prot/share and the fd's mode (VM_READ … VM_MAYSHARE), the
 * ones the core sets (VM_ACCOUNT, VM_MERGEABLE, VM_SOFTDIRTY), and those only
 * other system calls set (mseal's VM_SEALED, mlock2's VM_LOCKONFAULT,
 * MAP_GROWSDOWN, MAP_DROPPABLE, MAP_SYNC, userfaultfd, pkeys, shadow stack).
 * Every name here is one the engine models (src/engine/flags.ts).
 */
export const HOOK_SETTABLE_FLAGS = [
  'VM_PFNMAP',
  'VM_LOCKED',
  'VM_IO',
  'VM_SEQ_READ',
  'VM_RAND_READ',
  'VM_DONTCOPY',
  'VM_DONTEXPAND',
  'VM_NORESERVE',
  'VM_HUGETLB',
  'VM_WIPEONFORK',
  'VM_DONTDUMP',
  'VM_MIXEDMAP',
  'VM_HUGEPAGE',
  'VM_NOHUGEPAGE',
] as const

/** Backings of an initial VMA (`initial.vmas[i].backing`); "sysv" is version 3. */
export const INITIAL_BACKINGS = ['anon', 'heap', 'file', 'shmem', 'device', 'sysv'] as const

/**
 * Every VM_* flag the engine models (src/engine/flags.ts), in kernel bit order:
 * what an initial VMA's `flags` may name. A test checks the two lists agree.
 */
export const MODELLED_VM_FLAGS = [
  'VM_READ', 'VM_WRITE', 'VM_EXEC', 'VM_SHARED', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_MAYSHARE',
  'VM_GROWSDOWN', 'VM_PFNMAP', 'VM_LOCKED', 'VM_IO', 'VM_SEQ_READ', 'VM_RAND_READ', 'VM_DONTCOPY',
  'VM_DONTEXPAND', 'VM_LOCKONFAULT', 'VM_ACCOUNT', 'VM_NORESERVE', 'VM_HUGETLB', 'VM_WIPEONFORK',
  'VM_DONTDUMP', 'VM_SOFTDIRTY', 'VM_MIXEDMAP', 'VM_HUGEPAGE', 'VM_NOHUGEPAGE', 'VM_MERGEABLE',
  'VM_DROPPABLE', 'VM_SEALED',
] as const
