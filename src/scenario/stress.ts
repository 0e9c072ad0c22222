/**
 * Built-in stress scenarios, generated on demand (a 65,530-step document is
 * not worth committing as JSON). Each generator returns a `Scenario` with its
 * defaults already filled in, exactly what `loadScenario` would return for it
 * (stress.test.ts checks that), so opening one does not spend a long
 * main-thread task validating 65,530 generated steps.
 *
 * - `stress-65530`: 65,530 one-page mappings side by side with alternating
 *   protections, so none merges: vm.max_map_count (65,530) VMAs.
 * - `stress-fragmented-heap`: a heap grown by brk() while chunks are mapped
 *   top-down below the window's top, then freed in a scattered order.
 * - `stress-mprotect-sweep`: one 60,000-page mapping, mprotect()ed on every
 *   other page (each splits, up to 60,000 VMAs), then swept back (each merges
 *   again): 60,001 steps.
 */
import type { Scenario, Step } from './types'
import { DEFAULT_MAX_MAP_COUNT } from './defaults'

export interface StressEntry {
  /** Stable id, usable in `?scenario=<id>` links. */
  id: string
  title: string
  build(): Scenario
}

export const MAX_MAP_COUNT_DEFAULT = DEFAULT_MAX_MAP_COUNT

function alternatingMappings(count = MAX_MAP_COUNT_DEFAULT): Scenario {
  const steps: Step[] = new Array(count)
  for (let i = 0; i < count; i++) {
    steps[i] = { op: 'mmap', name: `m${i}`, at: i, pages: 1, prot: i % 2 === 0 ? 'rw-' : 'r--', share: 'private', backing: { kind: 'anon' } }
  }
  return {
    format: 'vma-scenario/3',
    title: `${count.toLocaleString('en-US')} alternating mappings`,
    notes: `${count.toLocaleString('en-US')} one-page anonymous mappings side by side, rw- and r-- in turn, so no two neighbours can merge: the address space ends with vm.max_map_count (65,530) VMAs, as many as the kernel allows by default.`,
    windowPages: count,
    placement: 'fixed',
    steps,
  }
}

/** A small deterministic generator (mulberry32), so the layout is the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function fragmentedHeap(chunks = 6000): Scenario {
  const random = seededRandom(6180)
  const windowPages = 1 << 18
  const brkBase = 1024
  const steps: Step[] = []
  const placed: { at: number; pages: number }[] = []
  let heapPages = 0
  let top = windowPages
  for (let i = 0; i < chunks; i++) {
    if (i % 10 === 0) {
      heapPages += 1 + Math.floor(random() * 8)
      steps.push({ op: 'brk', pages: heapPages })
      steps.push({ op: 'touch', at: brkBase + heapPages - 1, pages: 1, write: true })
    }
    const pages = 1 + Math.floor(random() * 16)
    top -= pages
    placed.push({ at: top, pages })
    const writable = random() < 0.8
    steps.push({ op: 'mmap', name: `c${i}`, at: top, pages, prot: writable ? 'rw-' : 'r--', share: 'private', backing: { kind: 'anon' } })
    if (random() < 0.5) steps.push({ op: 'touch', at: top, pages: 1, write: writable })
  }
  // Free a scattered third of the chunks, then map smaller ones into some of the holes.
  for (let i = 0; i < placed.length; i++) {
    if (random() < 0.33) {
      const { at, pages } = placed[i]!
      steps.push({ op: 'munmap', at, pages })
      if (pages > 2 && random() < 0.5) steps.push({ op: 'mmap', name: `r${i}`, at: at + 1, pages: pages - 2, prot: 'rw-', share: 'private', backing: { kind: 'anon' } })
    }
  }
  return {
    format: 'vma-scenario/3',
    title: 'A fragmented heap',
    notes: 'A program break grown by brk() in small steps while thousands of anonymous chunks are mapped top-down, one below the other; a scattered third of them is then unmapped and some holes are refilled with smaller chunks. Touched chunks have an anon_vma, untouched ones do not, so equal neighbours often still cannot merge.',
    windowPages,
    placement: 'fixed',
    brkBase,
    steps,
  }
}

function mprotectSweep(pages = 60_000): Scenario {
  const steps: Step[] = [{ op: 'mmap', name: 'region', at: 0, pages, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }]
  for (let p = 0; p < pages; p += 2) steps.push({ op: 'mprotect', at: p, pages: 1, prot: 'r--' })
  for (let p = 0; p < pages; p += 2) steps.push({ op: 'mprotect', at: p, pages: 1, prot: 'rw-' })
  return {
    format: 'vma-scenario/3',
    title: `A long mprotect sweep (${(steps.length).toLocaleString('en-US')} steps)`,
    notes: `One ${pages.toLocaleString('en-US')}-page mapping. A first sweep makes every other page read-only, one mprotect() per page: each splits the mapping, until ${pages.toLocaleString('en-US')} VMAs alternate. A second sweep makes them writable again: each mprotect() merges the page with both neighbours, until one VMA is left.`,
    windowPages: pages,
    placement: 'fixed',
    steps,
  }
}

/** Scenarios built here, by id: the worker client sends the id, not 65,530 steps. */
const builtIds = new WeakMap<Scenario, string>()
const registered = (id: string, build: () => Scenario) => (): Scenario => {
  const scenario = build()
  builtIds.set(scenario, id)
  return scenario
}

export const STRESS_SCENARIOS: readonly StressEntry[] = [
  { id: 'stress-65530', title: 'Stress: 65,530 alternating mappings', build: registered('stress-65530', () => alternatingMappings()) },
  { id: 'stress-fragmented-heap', title: 'Stress: a fragmented heap', build: registered('stress-fragmented-heap', () => fragmentedHeap()) },
  { id: 'stress-mprotect-sweep', title: 'Stress: a long mprotect sweep (60,001 steps)', build: registered('stress-mprotect-sweep', () => mprotectSweep()) },
]

/** The stress id of a scenario object this module built (unchanged since), else undefined. */
export function stressIdOf(scenario: Scenario): string | undefined {
  return builtIds.get(scenario)
}

export function findStressScenario(id: string): StressEntry | undefined {
  return STRESS_SCENARIOS.find((entry) => entry.id === id)
}

/** Smaller versions for tests (same generators). */
export const stressGenerators = { alternatingMappings, fragmentedHeap, mprotectSweep }
