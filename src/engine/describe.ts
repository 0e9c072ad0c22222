/**
 * Steps and VMAs in words, for the step list, the runner and the UI.
 */
import type { Backing, Step } from '../scenario/types'
import { IO_URING_CQ_RING_PGOFF, IO_URING_SQES_PGOFF } from './special-files'

const r = (start: number, end: number): string => `[${start},${end})`

export function describeBacking(b: Backing): string {
  switch (b.kind) {
    case 'anon': return 'anon'
    case 'file': return `file ${b.file}${b.fs !== 'ext4' ? ` on ${b.fs}` : ''} pgoff ${b.pgoff}${b.hook ? ` (.${b.hook})` : ''}`
    case 'shmem': return `memfd ${b.file} pgoff ${b.pgoff}`
    case 'device': return `device ${b.file} pgoff ${b.pgoff} (.${b.hook}${b.setsFlags.length ? ` sets ${b.setsFlags.join(' ')}` : ''})`
    case 'secretmem': return `secretmem ${b.file} pgoff ${b.pgoff}`
    case 'perf': return `perf ring ${b.file}${b.pgoff ? ` pgoff ${b.pgoff}` : ''}`
    case 'io_uring': return `io_uring ${b.file} ${b.pgoff === 0 ? 'SQ/CQ ring' : b.pgoff === IO_URING_SQES_PGOFF ? 'SQEs' : b.pgoff === IO_URING_CQ_RING_PGOFF ? 'CQ ring' : `pgoff ${b.pgoff}`}`
  }
}

/** "mmap B [2,4) rw- anon private". `at` is where the kernel put it when the step did not say. */
export function describeStep(step: Step, placedAt?: number): string {
  switch (step.op) {
    case 'mmap': {
      const at = step.at ?? placedAt
      const where = at === undefined ? `${step.pages} pages (kernel-placed)` : r(at, at + step.pages)
      const extra = step.mapFlags?.length ? ` ${step.mapFlags.join('|')}` : ''
      return `mmap${step.name ? ` ${step.name}` : ''} ${where} ${step.prot} ${describeBacking(step.backing)} ${step.share}${extra}`
    }
    case 'munmap': return `munmap ${r(step.at, step.at + step.pages)}`
    case 'mprotect': return `mprotect ${r(step.at, step.at + step.pages)} ${step.prot}`
    case 'madvise': return `madvise ${r(step.at, step.at + step.pages)} ${step.advice}`
    case 'mlock': return `${step.onFault ? 'mlock2' : 'mlock'} ${r(step.at, step.at + step.pages)}${step.onFault ? ' MLOCK_ONFAULT' : ''}`
    case 'munlock': return `munlock ${r(step.at, step.at + step.pages)}`
    case 'mlockall': return `mlockall ${step.flags.join('|') || '0'}`
    case 'munlockall': return 'munlockall'
    case 'mseal': return `mseal ${r(step.at, step.at + step.pages)}`
    case 'pkey_mprotect': return `pkey_mprotect ${r(step.at, step.at + step.pages)} ${step.prot} key ${step.pkey}`
    case 'pkey_alloc': return 'pkey_alloc'
    case 'pkey_free': return `pkey_free ${step.pkey}`
    case 'prctl': return `prctl ${step.option} ${step.value}`
    case 'brk': return `brk to brkBase+${step.pages}`
    case 'touch': return `touch ${r(step.at, step.at + step.pages)} ${step.write ? 'write' : 'read'}`
    case 'fork': return 'fork (continue in the child)'
    case 'mremap': {
      const dest = step.to !== undefined ? ` to ${r(step.to, step.to + step.newPages)}` : step.mayMove ? ' may move' : ''
      return `mremap ${r(step.at, step.at + step.pages)} → ${step.newPages} pages${dest}${step.dontUnmap ? ' MREMAP_DONTUNMAP' : ''}`
    }
    case 'shmget': return `shmget ${step.segment} key 0x${(step.key ?? 0).toString(16)}${step.key ? '' : ' (IPC_PRIVATE)'} ${step.pages} pages${step.exclusive ? ' IPC_EXCL' : ''}`
    case 'shmat': {
      const at = step.at ?? placedAt
      const where = at === undefined ? 'kernel-placed' : `at ${at}${step.offset ? ` +${step.offset} bytes` : ''}`
      return `shmat ${step.segment} ${where}${step.flags?.length ? ` ${step.flags.join('|')}` : ''}`
    }
    case 'shmdt': return `shmdt ${step.at}${step.offset ? ` +${step.offset} bytes` : ''}`
  }
}
