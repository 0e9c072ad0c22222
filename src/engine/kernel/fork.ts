/**
 * fork(): dup_mmap(). The rest of the scenario runs in the child. Its VMAs are
 * copies; a VMA that had an anon_vma gets a new one whose chain also holds the
 * parent's (anon_vma_fork), so it is a "fork child" that later merges refuse.
 * VM_DONTCOPY VMAs are not copied; VM_WIPEONFORK ones start unfaulted.
 * MMF_VM_MERGE_ANY is inherited (MMF_INIT_MASK).
 */
import { VM_DONTCOPY, VM_LOCKED, VM_LOCKONFAULT, VM_WIPEONFORK } from '../flags'
import type { StepContext } from '../process'

export function doFork(ctx: StepContext): void {
  const mm = ctx.mm
  const parent = mm.toArray()
  let copied = 0
  let faulted = 0
  const child = []
  for (const v of parent) {
    if (v.flags & VM_DONTCOPY) continue
    const wipe = (v.flags & VM_WIPEONFORK) !== 0
    const anon = !wipe && v.anonVma !== 0
    child.push(ctx.dup(v, {
      flags: v.flags & ~(VM_LOCKED | VM_LOCKONFAULT),
      anonVma: anon ? ctx.newAnonVmaId() : 0,
      forkChild: anon,
    }))
    copied++
    if (anon) faulted++
  }
  mm.replace(parent, child)
  ctx.state.process = 'child'
  // mm_init(): "mm->def_flags = current->mm->def_flags & VM_INIT_DEF_MASK" (VM_NOHUGEPAGE): mlockall(MCL_FUTURE) is not inherited.
  ctx.state.defFlags = 0
  ctx.report.outcome = 'forked'
  ctx.note('dup_mmap', 'fork', () => `the child gets ${copied} VMA${copied === 1 ? '' : 's'}; ${faulted} had an anon_vma and are now fork children (their anon_vma chain is not singular)${ctx.state.mergeAny ? '; MMF_VM_MERGE_ANY is inherited' : ''}`)
}
