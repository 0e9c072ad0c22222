/**
 * The scenario document, `vma-scenario/3` (see ../../docs/scenario-format.md).
 * Version 2 added madvise's flag advices and the advices that leave VMAs alone, MAP_STACK, mlock, munlock, mlockall, munlockall, mseal, pkey_mprotect, pkey_alloc and pkey_free;
 * version 3 added SysV shared memory: shmget, shmat, shmdt.
 * A version-1 or version-2 document is a version-3 document (./migrate.ts upgrades it).
 *
 * These are the types of a scenario *after* `loadScenario` has validated it and
 * filled in defaults. Nothing outside this folder builds a Scenario from raw
 * JSON: every input (file, link, paste, CLI) goes through `loadScenario`.
 *
 * Units: every `at`, `pages`, `to`, `pgoff`, `brkBase`, `windowPages` is a page
 * count (4 KiB pages) relative to the scenario window's base.
 */

import type { FILE_HOOKS, FILE_SYSTEMS, INITIAL_BACKINGS, MADVISE_ADVICES, MAP_FLAGS, MLOCKALL_FLAGS, PLACEMENTS, PRCTL_OPTIONS, SHARES, SHMAT_FLAGS } from './vocabulary'

export const SCENARIO_FORMAT = 'vma-scenario/3' as const

/** One of a vocabulary list of ./vocabulary.ts, where each list is defined once. */
type OneOf<List extends readonly string[]> = List[number]

/** Three characters from r, w, x or '-', in that order: "rw-", "r-x", "---". */
export type Prot = string

export type Share = OneOf<typeof SHARES>

export type FileSystem = OneOf<typeof FILE_SYSTEMS>
export type FileHook = OneOf<typeof FILE_HOOKS>

export type Backing =
  | { kind: 'anon' }
  | { kind: 'file'; file: string; pgoff: number; fs: FileSystem; hook?: FileHook }
  | { kind: 'shmem'; file: string; pgoff: number }
  | { kind: 'device'; file: string; pgoff: number; hook: FileHook; setsFlags: string[] }
  /** memfd_secret(2): a file on the kernel's internal noexec secretmem mount (added with base/machine). */
  | { kind: 'secretmem'; file: string; pgoff: number }
  /** A perf_event_open(2) ring buffer (anon_inode:[perf_event]). */
  | { kind: 'perf'; file: string; pgoff: number }
  /** An io_uring_setup(2) ring (anon_inode:[io_uring]); pgoff 0 is the SQ/CQ ring, 65536 the SQEs. */
  | { kind: 'io_uring'; file: string; pgoff: number }

/** The mmap flags (each one's version and meaning: MAP_FLAGS in ./vocabulary.ts). */
export type MapFlag = OneOf<typeof MAP_FLAGS>

export interface MmapStep {
  op: 'mmap'
  name?: string
  /** Required when the scenario's placement is "fixed". */
  at?: number
  pages: number
  prot: Prot
  share: Share
  backing: Backing
  mapFlags?: MapFlag[]
}
export interface MunmapStep { op: 'munmap'; at: number; pages: number }
export interface MprotectStep { op: 'mprotect'; at: number; pages: number; prot: Prot }
/** Version 1 had MADV_MERGEABLE and MADV_UNMERGEABLE; version 2 added the rest. */
export type MadviseAdvice = OneOf<typeof MADVISE_ADVICES>
export interface MadviseStep { op: 'madvise'; at: number; pages: number; advice: MadviseAdvice }
export interface PrctlStep { op: 'prctl'; option: OneOf<typeof PRCTL_OPTIONS>; value: number }
export interface BrkStep { op: 'brk'; pages: number }
export interface TouchStep { op: 'touch'; at: number; pages: number; write: boolean }
export interface ForkStep { op: 'fork' }
/** Version 2. mlock(2); with onFault, mlock2(MLOCK_ONFAULT). */
export interface MlockStep { op: 'mlock'; at: number; pages: number; onFault?: boolean }
/** Version 2. munlock(2). */
export interface MunlockStep { op: 'munlock'; at: number; pages: number }
/** Version 2. mlockall(2)'s flags. */
export type MlockallFlag = OneOf<typeof MLOCKALL_FLAGS>
/** Version 2. mlockall(flags): MCL_FUTURE sets mm->def_flags. An empty list or MCL_ONFAULT alone is EINVAL. */
export interface MlockallStep { op: 'mlockall'; flags: MlockallFlag[] }
/** Version 2. munlockall(2). */
export interface MunlockallStep { op: 'munlockall' }
/** Version 2. mseal(2) (6.10+): VM_SEALED. */
export interface MsealStep { op: 'mseal'; at: number; pages: number }
/** Version 2. pkey_mprotect(2): mprotect that also gives the VMAs protection key `pkey` (-1: keep theirs, as mprotect). */
export interface PkeyMprotectStep { op: 'pkey_mprotect'; at: number; pages: number; prot: Prot; pkey: number }
/** Version 2. pkey_alloc(0, 0): allocates the lowest free protection key. */
export interface PkeyAllocStep { op: 'pkey_alloc' }
/** Version 2. pkey_free(pkey). */
export interface PkeyFreeStep { op: 'pkey_free'; pkey: number }
export interface MremapStep {
  op: 'mremap'; at: number; pages: number; newPages: number; to?: number; mayMove?: boolean
  /** Version 2. MREMAP_DONTUNMAP: a move (with `to` or `mayMove`, newPages = pages) that leaves the source mapped, emptied. */
  dontUnmap?: boolean
}

/**
 * Version 3. shmget(key, pages*4096, IPC_CREAT|0700 [|IPC_EXCL]): the SysV segment named `segment`.
 * The name stands for the shmid the program keeps: a shmget of a name already made, or of a key
 * (not IPC_PRIVATE) a segment already has, finds that segment (EEXIST with `exclusive`, EINVAL
 * when it is smaller than `pages`); otherwise newseg() makes it (EINVAL for 0 pages).
 */
export interface ShmgetStep { op: 'shmget'; segment: string; key?: number; pages: number; exclusive?: boolean }
/** Version 3. shmat(2)'s flags (include/uapi/linux/shm.h). */
export type ShmatFlag = OneOf<typeof SHMAT_FLAGS>
/**
 * Version 3. shmat(shmid of `segment`, base+at*4096+offset, flags): a shared mapping of the whole
 * segment. Without `at` the kernel places it (required when placement is "fixed"). `offset`
 * (bytes, 0–4095) makes the address unaligned: SHM_RND rounds it down, otherwise EINVAL.
 */
export interface ShmatStep { op: 'shmat'; segment: string; at?: number; offset?: number; flags?: ShmatFlag[] }
/** Version 3. shmdt(base+at*4096+offset): unmaps the attach that starts at `at`, pieces included. */
export interface ShmdtStep { op: 'shmdt'; at: number; offset?: number }

export type Step =
  | MmapStep
  | MunmapStep
  | MprotectStep
  | MadviseStep
  | PrctlStep
  | BrkStep
  | TouchStep
  | ForkStep
  | MremapStep
  | MlockStep
  | MunlockStep
  | MlockallStep
  | MunlockallStep
  | MsealStep
  | PkeyMprotectStep
  | PkeyAllocStep
  | PkeyFreeStep
  | ShmgetStep
  | ShmatStep
  | ShmdtStep

export type StepOp = Step['op']

export interface Scenario {
  format: typeof SCENARIO_FORMAT
  title?: string
  notes?: string
  /** Default 1024. */
  windowPages: number
  /** Default "fixed". */
  placement: OneOf<typeof PLACEMENTS>
  brkBase?: number
  /**
   * Extension (not in the original format text): the process's
   * vm.max_map_count. Default 65530. Only VMAs inside the window are counted.
   */
  maxMapCount?: number
  /**
   * Extension (not in the original format text): the address space the
   * process starts with (e.g. imported from /proc/PID/smaps). Absent = empty.
   */
  initial?: InitialState
  /**
   * Extension: byte address of page 0 as hex ("0x7f0000000000"). The kernel's arithmetic uses
   * absolute addresses (an anonymous VMA's vm_pgoff, THP alignment of kernel-placed mappings).
   * Absent: initial.base if given, else the engine assumes DEFAULT_BASE and says where that matters.
   */
  base?: string
  /** Extension: properties of the machine the scenario runs on. */
  machine?: MachineProperties
  steps: Step[]
}

export interface MachineProperties {
  /**
   * The CPU has protection keys and the kernel uses them (x86 `pku` + `ospke`): an execute-only
   * mapping gets the execute-only pkey, so a data read of it faults. Absent: true (the default
   * the engine assumes; the recorder reports the machine's own value).
   */
  protectionKeys?: boolean
}

/**
 * What backs an initial VMA; "heap" is anonymous memory labelled [heap]. Version 3 added "sysv":
 * a SysV shm attach (/SYSV%08x), whose `file` names the attach (its own struct file, shm_vm_ops).
 */
export type InitialBacking = OneOf<typeof INITIAL_BACKINGS>

/** One VMA present before the first step. Pages are window-relative, end exclusive. */
export interface InitialVma {
  start: number
  end: number
  prot: Prot
  share: Share
  backing: InitialBacking
  /**
   * Required for file, shmem, device and sysv: the same name (per backing) is the same struct file.
   * For sysv the name starts with the segment's /SYSV%08x: every piece of one attach has it.
   */
  file?: string
  /** vm_pgoff. Default: start for private anonymous memory and the heap (smaps prints 0 for them), else 0. */
  pgoff?: number
  /** Labels the VMA's pages (e.g. "[stack]", the file's path). */
  name?: string
  /**
   * The complete set of VM_* flags (as smaps VmFlags gives them). Default: from
   * prot and share, plus VM_MAYREAD|VM_MAYWRITE|VM_MAYEXEC.
   */
  flags?: string[]
  /** anon_vma identity when faulted (same number = same anon_vma); absent = unfaulted. */
  anonVma?: number
  /**
   * Extension: the other smaps lines of an imported process ("Rss": "12 kB",
   * "KSM": "0 kB", …), as the kernel wrote them. Shown, never simulated.
   */
  smaps?: Record<string, string>
}

export interface InitialState {
  /** Byte address of page 0 as hex ("0x0" for an imported process), for the explorer's axis. */
  base?: string
  /** MMF_VM_MERGE_ANY is already set (prctl(PR_SET_MEMORY_MERGE, 1) was called). Default false. */
  mergeAny?: boolean
  vmas: InitialVma[]
}
