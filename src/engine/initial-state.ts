/**
 * The address space a scenario starts with (`scenario.initial`, e.g. a real
 * process imported from /proc/PID/smaps), made into VMA records born at
 * step 0. The loader has already checked the VMAs are sorted, inside the
 * window, non-overlapping, and that their flags agree with prot and share.
 *
 * Files get the same keys the mmap op uses ("file:ext4:NAME", "shmem:NAME",
 * "device:NAME"), so a later step that maps the same name maps the same
 * struct file, and may merge with the imported VMA next to it.
 */
import { machineAssumptions } from './machine'
import type { InitialVma, Scenario } from '../scenario/types'
import { VM_ACCOUNT, VM_MAYEXEC, VM_MAYREAD, VM_MAYSHARE, VM_MAYWRITE, VM_SHARED, VM_WRITE, flagsFromNames, protToFlags, type VmFlags } from './flags'
import { HEAP_LABEL } from './mm/mmap-brk'
import type { IdCounters, ProcessState } from './process'
import type { TraceStore } from './trace'
import { asPage } from './units'
import { shmFileName } from './ipc/shm'
import { hasLabelNamed, type FileObject, type Label, type Vma } from './mm-types'

/**
 * Flags of an initial VMA: its own list, else what prot and share imply, plus
 * the VM_MAY* bits a plain mmap gets and VM_ACCOUNT for a private writable
 * mapping (accountable_mapping()).
 */
function initialFlags(v: InitialVma): VmFlags {
  if (v.flags) return flagsFromNames(v.flags)
  const prot = protToFlags(v.prot)
  const shared = v.share === 'shared' ? VM_MAYSHARE | (prot & VM_WRITE ? VM_SHARED : 0) : 0
  const account = v.share === 'private' && prot & VM_WRITE ? VM_ACCOUNT : 0
  return prot | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | shared | account
}

function fileKeyAndObject(v: InitialVma, shmemCount: number, sysvPages: ReadonlyMap<string, number>): [key: string, file: Omit<FileObject, 'id'>] | null {
  const name = v.file ?? ''
  switch (v.backing) {
    case 'anon':
    case 'heap':
      // Anonymous shared memory is a shmem file of its own (shmem_zero_setup()).
      if (v.share === 'shared') return [`initial-anon-shmem:${shmemCount}`, { display: 'anon shared (shmem)', kind: 'anon-shmem', fs: 'tmpfs', isShmem: true, sizePages: v.end - v.start }]
      return null
    case 'file': return [`file:ext4:${name}`, { display: name, kind: 'file', fs: 'ext4', isShmem: false }]
    case 'shmem': return [`shmem:${name}`, { display: name.startsWith('/') ? name : `memfd:${name}`, kind: 'shmem', fs: 'tmpfs', isShmem: true }]
    case 'device': return [`device:${name}`, { display: name, kind: 'device', fs: null, isShmem: false }]
    case 'sysv': {
      // One attach of a SysV segment (ipc/shm.c): its own struct file, "/SYSV%08x (deleted)" as smaps prints it.
      const key = /^\/SYSV([0-9a-f]{8})/.exec(name)?.[1]
      const shmKey = key === undefined ? 0 : parseInt(key, 16)
      return [`sysv-attach:${name}`, { display: shmFileName(shmKey), kind: 'sysv-shm', fs: 'tmpfs', isShmem: true, shmKey, shmAttach: true, sizePages: sysvPages.get(name) ?? 0 }]
    }
  }
}

/**
 * The size of each initial SysV attach's segment as far as its VMAs show it: the furthest page any
 * piece maps (vm_pgoff + length). smaps does not print the segment's size (shmdt() takes it from
 * i_size), so a segment longer than every piece of it reads as shorter.
 */
function sysvSegmentPages(vmas: readonly InitialVma[]): Map<string, number> {
  const pages = new Map<string, number>()
  for (const v of vmas)
    if (v.backing === 'sysv' && v.file !== undefined) pages.set(v.file, Math.max(pages.get(v.file) ?? 0, (v.pgoff ?? 0) + v.end - v.start))
  return pages
}

/**
 * Puts the scenario's initial VMAs into `state` as records born at step 0,
 * advances `ids` past the identities they use, and returns the files made,
 * in creation order.
 */
export function loadInitialState(scenario: Scenario, state: ProcessState, store: TraceStore, ids: IdCounters): [string, FileObject][] {
  const initial = scenario.initial
  if (!initial) return []
  const files: [string, FileObject][] = []
  const vmas: Vma[] = []
  const basePage = machineAssumptions(scenario).basePage
  let shmemCount = 0
  const sysvPages = sysvSegmentPages(initial.vmas)
  for (const v of initial.vmas) {
    let file: FileObject | null = null
    const made = fileKeyAndObject(v, shmemCount, sysvPages)
    if (made) {
      const [key, fields] = made
      if (key.startsWith('initial-anon-shmem:')) shmemCount++
      file = state.files.get(key) ?? null
      if (!file) {
        file = { ...fields, id: ++ids.file }
        state.files.set(key, file)
        files.push([key, file])
      }
    }
    const labelName = v.backing === 'heap' ? HEAP_LABEL : v.name
    const labels: Label[] = labelName ? [{ start: asPage(v.start), end: asPage(v.end), name: labelName }] : []
    if (v.anonVma !== undefined && v.anonVma > ids.anonVma) ids.anonVma = v.anonVma
    vmas.push(store.add({
      start: asPage(v.start),
      end: asPage(v.end),
      pgoff: v.pgoff ?? (file === null ? basePage + v.start : 0),
      flags: initialFlags(v),
      pkey: 0,
      file,
      anonVma: v.anonVma ?? 0,
      forkChild: false,
      // shm_mmap() gives an attach shm_vm_ops, with .close.
      vmOpsClose: v.backing === 'sysv',
      anonymous: file === null,
      hook: null,
      labels,
    }, null))
  }
  state.mm.vmas = vmas
  store.setInitial(vmas)
  state.mergeAny = initial.mergeAny ?? false
  state.ksmRegistered = state.mergeAny
  // An imported heap: the break starts at its end.
  if (state.brkStart !== null) {
    const heap = vmas.find((v) => v.start === state.brkStart && hasLabelNamed(v.labels, HEAP_LABEL))
    if (heap) state.brk = heap.end
  }
  return files
}
