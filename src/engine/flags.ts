/**
 * VM_* flags: the subset of vm_flags_t the simulator models.
 *
 * The kernel's vm_flags_t is 64 bits wide (VM_SEALED is bit 42 on x86-64), and
 * JavaScript bit operators work on 32 bits. So the engine keeps its own compact
 * bit numbering (all below bit 31) and this table maps each flag to the kernel's
 * bit and to the mnemonic `/proc/PID/smaps` prints (show_smap_vma_flags(),
 * fs/proc/task_mmu.c). The table is in kernel bit order, which is also the order
 * smaps prints the mnemonics in.
 */

interface FlagInfo {
  readonly name: string
  readonly kernelBit: number
  readonly mnemonic: string
}

// Kernel bit order (x86-64, 6.17/6.18). Our bit = index in this table.
const TABLE: readonly FlagInfo[] = [
  { name: 'VM_READ', kernelBit: 0, mnemonic: 'rd' },
  { name: 'VM_WRITE', kernelBit: 1, mnemonic: 'wr' },
  { name: 'VM_EXEC', kernelBit: 2, mnemonic: 'ex' },
  { name: 'VM_SHARED', kernelBit: 3, mnemonic: 'sh' },
  { name: 'VM_MAYREAD', kernelBit: 4, mnemonic: 'mr' },
  { name: 'VM_MAYWRITE', kernelBit: 5, mnemonic: 'mw' },
  { name: 'VM_MAYEXEC', kernelBit: 6, mnemonic: 'me' },
  { name: 'VM_MAYSHARE', kernelBit: 7, mnemonic: 'ms' },
  { name: 'VM_GROWSDOWN', kernelBit: 8, mnemonic: 'gd' },
  { name: 'VM_PFNMAP', kernelBit: 10, mnemonic: 'pf' },
  { name: 'VM_LOCKED', kernelBit: 13, mnemonic: 'lo' },
  { name: 'VM_IO', kernelBit: 14, mnemonic: 'io' },
  { name: 'VM_SEQ_READ', kernelBit: 15, mnemonic: 'sr' },
  { name: 'VM_RAND_READ', kernelBit: 16, mnemonic: 'rr' },
  { name: 'VM_DONTCOPY', kernelBit: 17, mnemonic: 'dc' },
  { name: 'VM_DONTEXPAND', kernelBit: 18, mnemonic: 'de' },
  { name: 'VM_LOCKONFAULT', kernelBit: 19, mnemonic: 'lf' },
  { name: 'VM_ACCOUNT', kernelBit: 20, mnemonic: 'ac' },
  { name: 'VM_NORESERVE', kernelBit: 21, mnemonic: 'nr' },
  { name: 'VM_HUGETLB', kernelBit: 22, mnemonic: 'ht' },
  { name: 'VM_WIPEONFORK', kernelBit: 25, mnemonic: 'wf' },
  { name: 'VM_DONTDUMP', kernelBit: 26, mnemonic: 'dd' },
  { name: 'VM_SOFTDIRTY', kernelBit: 27, mnemonic: 'sd' },
  { name: 'VM_MIXEDMAP', kernelBit: 28, mnemonic: 'mm' },
  { name: 'VM_HUGEPAGE', kernelBit: 29, mnemonic: 'hg' },
  { name: 'VM_NOHUGEPAGE', kernelBit: 30, mnemonic: 'nh' },
  { name: 'VM_MERGEABLE', kernelBit: 31, mnemonic: 'mg' },
  { name: 'VM_DROPPABLE', kernelBit: 40, mnemonic: 'dp' },
  { name: 'VM_SEALED', kernelBit: 42, mnemonic: 'sl' },
]

/** A set of VM_* flags in the engine's compact numbering. */
export type VmFlags = number

const bitOf = (name: string): VmFlags => {
  const i = TABLE.findIndex((f) => f.name === name)
  if (i < 0) throw new Error(`unknown flag ${name}`)
  return 1 << i
}

export const VM_READ = bitOf('VM_READ')
export const VM_WRITE = bitOf('VM_WRITE')
export const VM_EXEC = bitOf('VM_EXEC')
export const VM_SHARED = bitOf('VM_SHARED')
export const VM_MAYREAD = bitOf('VM_MAYREAD')
export const VM_MAYWRITE = bitOf('VM_MAYWRITE')
export const VM_MAYEXEC = bitOf('VM_MAYEXEC')
export const VM_MAYSHARE = bitOf('VM_MAYSHARE')
export const VM_GROWSDOWN = bitOf('VM_GROWSDOWN')
export const VM_PFNMAP = bitOf('VM_PFNMAP')
export const VM_LOCKED = bitOf('VM_LOCKED')
export const VM_IO = bitOf('VM_IO')
export const VM_SEQ_READ = bitOf('VM_SEQ_READ')
export const VM_RAND_READ = bitOf('VM_RAND_READ')
export const VM_DONTCOPY = bitOf('VM_DONTCOPY')
export const VM_DONTEXPAND = bitOf('VM_DONTEXPAND')
export const VM_LOCKONFAULT = bitOf('VM_LOCKONFAULT')
export const VM_ACCOUNT = bitOf('VM_ACCOUNT')
export const VM_NORESERVE = bitOf('VM_NORESERVE')
export const VM_HUGETLB = bitOf('VM_HUGETLB')
export const VM_WIPEONFORK = bitOf('VM_WIPEONFORK')
export const VM_DONTDUMP = bitOf('VM_DONTDUMP')
export const VM_SOFTDIRTY = bitOf('VM_SOFTDIRTY')
export const VM_MIXEDMAP = bitOf('VM_MIXEDMAP')
export const VM_HUGEPAGE = bitOf('VM_HUGEPAGE')
export const VM_NOHUGEPAGE = bitOf('VM_NOHUGEPAGE')
export const VM_MERGEABLE = bitOf('VM_MERGEABLE')
export const VM_DROPPABLE = bitOf('VM_DROPPABLE')
export const VM_SEALED = bitOf('VM_SEALED')

/** include/linux/mm.h: VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP. */
export const VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP
/** VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC. */
export const VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC
/** Flags above kernel bit 31, which MADV_UNMERGEABLE cleared before f04aad36a07c. */
export const VM_HIGH_FLAGS = TABLE.reduce((acc, f, i) => (f.kernelBit >= 32 ? acc | (1 << i) : acc), 0)
/** Flags that a driver's hook may add (the scenario's `setsFlags`). */
export const HOOK_SETTABLE_FLAGS: readonly string[] = [
  'VM_PFNMAP', 'VM_IO', 'VM_MIXEDMAP', 'VM_DONTEXPAND', 'VM_HUGETLB', 'VM_DONTDUMP',
  'VM_DONTCOPY', 'VM_LOCKED', 'VM_NORESERVE', 'VM_SEQ_READ', 'VM_RAND_READ',
  'VM_HUGEPAGE', 'VM_NOHUGEPAGE', 'VM_WIPEONFORK', 'VM_SEALED',
]

export function flagFromName(name: string): VmFlags | undefined {
  const i = TABLE.findIndex((f) => f.name === name)
  return i < 0 ? undefined : 1 << i
}

export function flagsFromNames(names: readonly string[]): VmFlags {
  let flags = 0
  for (const n of names) flags |= flagFromName(n) ?? 0
  return flags
}

export function flagNames(flags: VmFlags): string[] {
  const out: string[] = []
  for (let i = 0; i < TABLE.length; i++) if (flags & (1 << i)) out.push(TABLE[i]!.name)
  return out
}

export function flagMnemonics(flags: VmFlags): string[] {
  const out: string[] = []
  for (let i = 0; i < TABLE.length; i++) if (flags & (1 << i)) out.push(TABLE[i]!.mnemonic)
  return out
}

/**
 * The VM_* names of a protection key's bits, VM_PKEY_BIT0..3 (x86-64: kernel bits 32-35, so
 * between VM_MERGEABLE and VM_DROPPABLE in bit order). smaps prints no mnemonic for them (its
 * "ProtectionKey:" line gives the key instead).
 */
export function pkeyFlagNames(pkey: number): string[] {
  const out: string[] = []
  for (let b = 0; b < 4; b++) if (pkey & (1 << b)) out.push(`VM_PKEY_BIT${b}`)
  return out
}

/** Flags smaps can print above the key's bits (kernel bits 37 and up on x86-64). */
const ABOVE_PKEY_BITS = new Set(['VM_SHADOW_STACK', 'VM_DROPPABLE', 'VM_UFFD_MINOR', 'VM_SEALED'])

/** Flag names in kernel bit order with a protection key's bits in their place (after VM_MERGEABLE). */
export function withPkeyFlagNames(names: readonly string[], pkey: number): string[] {
  const bits = pkeyFlagNames(pkey)
  if (bits.length === 0) return names.slice()
  let at = names.findIndex((n) => ABOVE_PKEY_BITS.has(n))
  if (at < 0) at = names.length
  return [...names.slice(0, at), ...bits, ...names.slice(at)]
}

/** smaps mnemonic → VM_* name (for reading real /proc/PID/smaps). */
export function flagNameFromMnemonic(mnemonic: string): string | undefined {
  return TABLE.find((f) => f.mnemonic === mnemonic)?.name
}

/** "rw-" → VM_READ|VM_WRITE (calc_vm_prot_bits). */
export function protToFlags(prot: string): VmFlags {
  return (prot[0] === 'r' ? VM_READ : 0) | (prot[1] === 'w' ? VM_WRITE : 0) | (prot[2] === 'x' ? VM_EXEC : 0)
}

export function flagsToProt(flags: VmFlags): string {
  return (flags & VM_READ ? 'r' : '-') + (flags & VM_WRITE ? 'w' : '-') + (flags & VM_EXEC ? 'x' : '-')
}
