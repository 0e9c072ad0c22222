/**
 * smaps `VmFlags` mnemonics → VM_* names, for every mnemonic that
 * show_smap_vma_flags() (fs/proc/task_mmu.c, 6.18, x86-64) can print, in kernel
 * bit order. The engine's flag table covers only the flags it simulates; the
 * real kernel may print any of these.
 */
const SMAPS_FLAG_NAMES: ReadonlyArray<readonly [mnemonic: string, name: string]> = [
  ['rd', 'VM_READ'],
  ['wr', 'VM_WRITE'],
  ['ex', 'VM_EXEC'],
  ['sh', 'VM_SHARED'],
  ['mr', 'VM_MAYREAD'],
  ['mw', 'VM_MAYWRITE'],
  ['me', 'VM_MAYEXEC'],
  ['ms', 'VM_MAYSHARE'],
  ['gd', 'VM_GROWSDOWN'],
  ['um', 'VM_UFFD_MISSING'],
  ['pf', 'VM_PFNMAP'],
  ['uw', 'VM_UFFD_WP'],
  ['lo', 'VM_LOCKED'],
  ['io', 'VM_IO'],
  ['sr', 'VM_SEQ_READ'],
  ['rr', 'VM_RAND_READ'],
  ['dc', 'VM_DONTCOPY'],
  ['de', 'VM_DONTEXPAND'],
  ['lf', 'VM_LOCKONFAULT'],
  ['ac', 'VM_ACCOUNT'],
  ['nr', 'VM_NORESERVE'],
  ['ht', 'VM_HUGETLB'],
  ['sf', 'VM_SYNC'],
  ['ar', 'VM_ARCH_1'],
  ['wf', 'VM_WIPEONFORK'],
  ['dd', 'VM_DONTDUMP'],
  ['sd', 'VM_SOFTDIRTY'],
  ['mm', 'VM_MIXEDMAP'],
  ['hg', 'VM_HUGEPAGE'],
  ['nh', 'VM_NOHUGEPAGE'],
  ['mg', 'VM_MERGEABLE'],
  ['bt', 'VM_HIGH_ARCH_0'],
  ['ss', 'VM_SHADOW_STACK'],
  ['dp', 'VM_DROPPABLE'],
  ['ui', 'VM_UFFD_MINOR'],
  ['sl', 'VM_SEALED'],
]

const NAME_BY_MNEMONIC = new Map(SMAPS_FLAG_NAMES)

/** VM_* name of an smaps mnemonic; an unknown one comes back as `smaps:xx` so nothing is lost. */
export function flagNameOfMnemonic(mnemonic: string): string {
  return NAME_BY_MNEMONIC.get(mnemonic) ?? `smaps:${mnemonic}`
}

/** VM_* name → smaps mnemonic ("VM_MAYEXEC" → "me"), for printing flag sets briefly. */
export function mnemonicOfFlagName(name: string): string {
  return SMAPS_FLAG_NAMES.find(([, n]) => n === name)?.[0] ?? name
}
