/**
 * Engine records → the plain VmaView objects the UI and the runner see.
 */
import type { BackingKind, VmaView } from './api'
import { VM_MAYSHARE, VM_MERGEABLE, flagMnemonics, flagNames, flagsToProt, withPkeyFlagNames } from './flags'
import { HEAP_LABEL } from './mm/mmap-brk'
import { hasLabelNamed, labelNames, type Labels, type Vma } from './mm-types'

/** labels → [distinct names, holds the heap label]; records derived from one another share their labels array. */
const LABEL_INFO = new WeakMap<Labels, [string[], boolean]>()
function labelInfo(labels: Labels): [string[], boolean] {
  let info = LABEL_INFO.get(labels)
  if (!info) {
    info = [labelNames(labels), hasLabelNamed(labels, HEAP_LABEL)]
    LABEL_INFO.set(labels, info)
  }
  return info
}

function backingOf(v: Vma): BackingKind {
  if (!v.file) return labelInfo(v.labels)[1] ? 'heap' : 'anon'
  switch (v.file.kind) {
    case 'anon-shmem': return v.file.display.startsWith('/dev/zero') ? 'device' : 'anon'
    case 'hugetlb': return 'anon'
    case 'shmem':
    case 'sysv-shm': return 'shmem'
    case 'device':
    case 'secretmem':
    case 'perf':
    case 'io_uring': return 'device'
    case 'file': return v.file.fs === 'tmpfs' ? 'shmem' : 'file'
  }
}

/** flags → [VM_* names, mnemonics], shared by every view with the same flags (views are read-only). */
const FLAG_LISTS = new Map<number, [string[], string[]]>()
function flagLists(flags: number, pkey: number): [string[], string[]] {
  // The key (0-15) joins the flags in the cache key: 32 flag bits, then 4 key bits, below 2^53.
  const key = pkey === 0 ? flags : (flags >>> 0) + pkey * 2 ** 32
  let lists = FLAG_LISTS.get(key)
  if (!lists) {
    lists = [withPkeyFlagNames(flagNames(flags), pkey), flagMnemonics(flags)]
    FLAG_LISTS.set(key, lists)
  }
  return lists
}

export function toView(v: Vma): VmaView {
  const [names, mnemonics] = flagLists(v.flags, v.pkey)
  return {
    id: v.id,
    structId: v.structId,
    dupOf: v.dupOf || null,
    start: v.start,
    end: v.end,
    pgoff: v.pgoff,
    prot: flagsToProt(v.flags),
    // show_map_vma(): 's' when VM_MAYSHARE, else 'p'
    share: v.flags & VM_MAYSHARE ? 'shared' : 'private',
    mergeable: (v.flags & VM_MERGEABLE) !== 0,
    names: labelInfo(v.labels)[0],
    flags: names,
    mnemonics,
    backing: backingOf(v),
    file: v.file ? v.file.display : null,
    fileId: v.file ? v.file.id : null,
    anonVma: v.anonVma || null,
    forkChild: v.anonVma !== 0 && v.forkChild,
    vmOpsClose: v.vmOpsClose,
  }
}

