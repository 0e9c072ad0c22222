/**
 * The VMAs of one process, sorted and non-overlapping (the kernel keeps a
 * maple tree). They are held in blocks of at most 2·BLOCK VMAs with the index
 * of each block's first VMA, so a change costs the VMAs it touches plus one
 * pass over the block starts (n / BLOCK), never a memmove of the whole address
 * space, and no call grows the stack or spreads an argument list with the
 * address space: a fork, munmap or mprotect of 200,000 VMAs is linear in the
 * VMAs it touches. Lookups are two binary searches (the blocks by their last
 * VMA's end, then the block). Every change goes through the trace store, so
 * the trace knows which record was born and which died at each step.
 */
import type { TraceStore } from './trace'
import type { Vma } from './mm-types'
import type { Page } from './units'
import { VM_GROWSDOWN } from './flags'
import { STACK_GUARD_GAP_PAGES } from './machine'

/** Target block size; a block is split past 2·BLOCK and joined to a neighbour below BLOCK/4. */
const BLOCK = 512

export class AddressSpace {
  /** The VMAs in address order, cut into blocks (none empty). */
  private blocks: Vma[][] = []
  /** starts[b] = the index of blocks[b][0] in the whole list. */
  private starts: number[] = []
  private n = 0
  /** The whole list as one array, made when asked for and dropped at the next change. */
  private flat: Vma[] | null = []

  constructor(private readonly store: TraceStore) {}

  get count(): number {
    return this.n
  }

  /**
   * Every VMA in address order as one array (made once per change: O(n)).
   * Do not modify it. The engine's own walks use at()/indexAfter() instead.
   */
  get vmas(): Vma[] {
    if (!this.flat) this.flat = this.toArray()
    return this.flat
  }

  /** Replace the whole list (sorted, non-overlapping); records no births or deaths. */
  set vmas(list: readonly Vma[]) {
    this.rebuild(list)
  }

  /** A fresh copy of the list in address order. */
  toArray(): Vma[] {
    const out: Vma[] = new Array(this.n)
    let k = 0
    for (const block of this.blocks) for (let j = 0; j < block.length; j++) out[k++] = block[j]!
    return out
  }

  /** The VMA at index i of the address-ordered list. */
  at(i: number): Vma | undefined {
    if (i < 0 || i >= this.n) return undefined
    const b = this.blockOfIndex(i)
    return this.blocks[b]![i - this.starts[b]!]
  }

  /** Index of the first VMA whose end is above `page` (count if none). */
  indexAfter(page: number): number {
    const blocks = this.blocks
    let lo = 0
    let hi = blocks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const block = blocks[mid]!
      if (block[block.length - 1]!.end <= page) lo = mid + 1
      else hi = mid
    }
    if (lo === blocks.length) return this.n
    const block = blocks[lo]!
    let l = 0
    let h = block.length
    while (l < h) {
      const mid = (l + h) >>> 1
      if (block[mid]!.end <= page) l = mid + 1
      else h = mid
    }
    return this.starts[lo]! + l
  }

  /** The first VMA whose end is above `page` (find_vma). */
  firstEndingAfter(page: number): Vma | undefined {
    return this.at(this.indexAfter(page))
  }

  /** vma_lookup(): the VMA containing `page`. */
  lookup(page: number): Vma | undefined {
    const v = this.firstEndingAfter(page)
    return v && v.start <= page ? v : undefined
  }

  /** The last VMA that ends at or before `page` (vma_prev of the gap at page). */
  prevOf(page: number): Vma | null {
    const i = this.indexAfter(page)
    return i > 0 ? this.at(i - 1)! : null
  }

  /** The first VMA that starts at or after `page`. */
  nextFrom(page: number): Vma | null {
    const i = this.indexAfter(page)
    const v = this.at(i)
    if (!v) return null
    if (v.start >= page) return v
    return this.at(i + 1) ?? null
  }

  /** Does any VMA intersect [start, end)? (find_vma_intersection) */
  intersects(start: number, end: number): boolean {
    const v = this.firstEndingAfter(start)
    return v !== undefined && v.start < end
  }

  /** VMAs intersecting [start, end). */
  overlapping(start: number, end: number): Vma[] {
    const out: Vma[] = []
    const first = this.indexAfter(start)
    if (first >= this.n) return out
    let b = this.blockOfIndex(first)
    let j = first - this.starts[b]!
    for (; b < this.blocks.length; b++, j = 0) {
      const block = this.blocks[b]!
      for (; j < block.length; j++) {
        const v = block[j]!
        if (v.start >= end) return out
        out.push(v)
      }
    }
    return out
  }

  indexOf(v: Vma): number {
    const i = this.indexAfter(v.start)
    if (this.at(i) !== v) throw new Error(`VMA ${v.id} is not in the address space`)
    return i
  }

  /** Replace `old` (consecutive, in order) with `fresh` (sorted), recording deaths and births. */
  replace(old: readonly Vma[], fresh: readonly Vma[]): void {
    let at: number
    if (old.length > 0) {
      at = this.indexOf(old[0]!)
      for (const v of old) this.store.kill(v)
    } else {
      at = fresh.length > 0 ? this.indexAfter(fresh[0]!.start) : 0
    }
    this.splice(at, old.length, fresh)
  }

  insert(v: Vma): void {
    this.replace([], [v])
  }

  remove(v: Vma): void {
    this.replace([v], [])
  }

  /**
   * Highest free hole [s, s+pages) inside [0, limit), top-down (the kernel's default mmap layout):
   * unmapped_area_topdown(). When the VMA above the hole found is VM_GROWSDOWN and its
   * vm_start_gap() (stack_guard_gap below it) reaches into the hole, the search starts again below
   * that ("high_limit = vm_start_gap(tmp); goto retry"), so every hole above it is out of reach too.
   */
  topDownHole(pages: number, limit: Page, align = 1, alignBase = 0): number | null {
    let high = limit as number
    let upperStart = limit as number
    let upperGrowsDown = false
    // The hole between `lowerEnd` and the VMA above it; a number when a mapping goes there.
    const fit = (lowerEnd: number): number | null => {
      for (;;) {
        const hi = Math.min(high, upperStart)
        // vm_unmapped_area(): "length = info->length + info->align_mask + info->start_gap": the hole must hold
        // the mapping wherever the alignment puts it; then "gap -= (gap - info->align_offset) & info->align_mask"
        // (hugetlb: whole huge pages of absolute addresses).
        if (hi - lowerEnd < pages + align - 1) return null
        const at = hi - pages - ((((hi - pages + alignBase) % align) + align) % align)
        if (upperGrowsDown && upperStart - STACK_GUARD_GAP_PAGES < hi) {
          high = upperStart - STACK_GUARD_GAP_PAGES
          continue
        }
        return at
      }
    }
    for (let b = this.blocks.length - 1; b >= 0; b--) {
      const block = this.blocks[b]!
      for (let j = block.length - 1; j >= 0; j--) {
        const v = block[j]!
        const at = fit(v.end)
        if (at !== null) return at
        upperStart = v.start
        upperGrowsDown = (v.flags & VM_GROWSDOWN) !== 0
      }
    }
    return fit(0)
  }

  /** The block holding index i (0 ≤ i < count). */
  private blockOfIndex(i: number): number {
    const starts = this.starts
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1
      if (starts[mid]! <= i) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  /** Remove `remove` VMAs at index `at` and put `fresh` there; O(remove + fresh + BLOCK + n/BLOCK). */
  private splice(at: number, remove: number, fresh: readonly Vma[]): void {
    this.flat = null
    const add = fresh.length
    if (remove === 0 && add === 0) return
    if (this.blocks.length === 0) {
      this.rebuild(fresh)
      return
    }
    // The block where the change starts; an append lands in the last block.
    const b = at >= this.n ? this.blocks.length - 1 : this.blockOfIndex(at)
    const block = this.blocks[b]!
    const o = at - this.starts[b]!
    if (remove === 1 && add === 1) {
      block[o] = fresh[0]!
      return
    }
    if (o + remove <= block.length && add <= BLOCK) {
      // Within one block: a small in-place edit.
      if (remove === 0 && o === block.length) for (let k = 0; k < add; k++) block.push(fresh[k]!)
      else block.splice(o, remove, ...fresh) // at most BLOCK arguments
      this.n += add - remove
      this.settle(b)
      return
    }
    // A change across blocks, or a large one: re-cut the blocks it touches.
    let e = b
    let endOffset = o + remove
    while (endOffset > this.blocks[e]!.length && e + 1 < this.blocks.length) {
      endOffset -= this.blocks[e]!.length
      e++
    }
    const items: Vma[] = []
    for (let k = 0; k < o; k++) items.push(block[k]!)
    for (let k = 0; k < add; k++) items.push(fresh[k]!)
    const last = this.blocks[e]!
    for (let k = endOffset; k < last.length; k++) items.push(last[k]!)
    const cut = cutIntoBlocks(items)
    const blocks: Vma[][] = []
    for (let k = 0; k < b; k++) blocks.push(this.blocks[k]!)
    for (const c of cut) blocks.push(c)
    for (let k = e + 1; k < this.blocks.length; k++) blocks.push(this.blocks[k]!)
    this.blocks = blocks
    this.n += add - remove
    this.renumber(b)
  }

  /** After block b changed size: split it, drop or join it, and fix the starts after it. */
  private settle(b: number): void {
    const blocks = this.blocks
    const block = blocks[b]!
    if (block.length > 2 * BLOCK) {
      blocks.splice(b, 1, block.slice(0, BLOCK), block.slice(BLOCK))
      this.starts.splice(b + 1, 0, 0)
    } else if (block.length === 0) {
      blocks.splice(b, 1)
      this.starts.splice(b, 1)
      if (b > 0) b--
    } else if (block.length < BLOCK / 4 && blocks.length > 1) {
      const with_ = b + 1 < blocks.length ? b + 1 : b - 1
      const [lo, hi] = with_ > b ? [b, with_] : [with_, b]
      const joined = blocks[lo]!
      for (const v of blocks[hi]!) joined.push(v)
      blocks.splice(hi, 1)
      this.starts.splice(hi, 1)
      b = lo
      if (joined.length > 2 * BLOCK) {
        blocks.splice(lo, 1, joined.slice(0, BLOCK), joined.slice(BLOCK))
        this.starts.splice(lo + 1, 0, 0)
      }
    }
    this.renumber(b)
  }

  /** Recompute the starts of blocks from b on. */
  private renumber(b: number): void {
    const blocks = this.blocks
    const starts = this.starts
    starts.length = blocks.length
    let s = b > 0 ? starts[b - 1]! + blocks[b - 1]!.length : 0
    for (let k = b; k < blocks.length; k++) {
      starts[k] = s
      s += blocks[k]!.length
    }
  }

  private rebuild(list: readonly Vma[]): void {
    this.blocks = cutIntoBlocks(list)
    this.n = list.length
    this.starts = []
    this.renumber(0)
    this.flat = null
  }
}

/** `list` in blocks of BLOCK (the last one may be shorter, none empty). */
function cutIntoBlocks(list: readonly Vma[]): Vma[][] {
  const out: Vma[][] = []
  for (let k = 0; k < list.length; k += BLOCK) out.push(list.slice(k, Math.min(list.length, k + BLOCK)))
  return out
}
