/**
 * What the differential tests compare between the real kernel and the engine
 * (errno, and each VMA's start, end, prot, share, mergeable and its full VM_*
 * flag set), and how a mismatch is printed: both VMA lists and, for small
 * ranges, a page strip.
 */
import type { Scenario } from '../scenario/types'
import { mnemonicOfFlagName } from './smaps-flags'

const STRIP_MAX_PAGES = 96

/** The fields the comparison looks at. */
export interface ComparedVma {
  start: number
  end: number
  prot: string
  share: string
  mergeable: boolean
  /** Every VM_* flag, in kernel bit order (smaps VmFlags). */
  flags: readonly string[]
}
export interface ComparedStep {
  error: string | null
  vmas: ComparedVma[]
}

/**
 * `ignoreFlags`: flags a kernel's build sets that the engine does not model, named by the
 * caller with its reason (Debian's 6.1 has CONFIG_MEM_SOFT_DIRTY: every new VMA is VM_SOFTDIRTY).
 */
export const compared = (steps: ReadonlyArray<{ error: string | null; vmas: readonly ComparedVma[] }>, ignoreFlags: readonly string[] = []): ComparedStep[] =>
  steps.map((s) => ({
    error: s.error,
    vmas: s.vmas.map(({ start, end, prot, share, mergeable, flags }) => ({
      start, end, prot, share, mergeable, flags: ignoreFlags.length ? flags.filter((f) => !ignoreFlags.includes(f)) : flags,
    })),
  }))

/**
 * The scenario as the recording ran it: the window's real base and the machine's protection
 * keys, where the scenario left them to the machine. The engine then computes with what the
 * real process had (absolute anonymous pgoff, THP alignment, execute-only reads).
 */
export function scenarioAsRecorded(scenario: Scenario, machine: { base: string; protectionKeys: boolean } | undefined): Scenario {
  if (!machine) return scenario
  return {
    ...scenario,
    ...(scenario.base === undefined && scenario.initial?.base === undefined && machine.base ? { base: machine.base } : {}),
    machine: { protectionKeys: scenario.machine?.protectionKeys ?? machine.protectionKeys },
  }
}

const flagsText = (flags: readonly string[]) => flags.map(mnemonicOfFlagName).join(' ')
export const comparedVmaText = (v: ComparedVma) => `[${v.start},${v.end}) ${v.prot} ${v.share === 'shared' ? 's' : 'p'}${v.mergeable ? ' mg' : ''} {${flagsText(v.flags)}}`

/** One character per page: a letter per VMA (alternating case at boundaries), '.' for a hole. */
function strip(vmas: readonly ComparedVma[], from: number, to: number): string {
  let out = ''
  for (let p = from; p < to; p++) {
    const i = vmas.findIndex((v) => v.start <= p && p < v.end)
    out += i < 0 ? '.' : String.fromCharCode((i % 2 === 0 ? 65 : 97) + (i % 26))
  }
  return out
}

export function describeMismatch(scenario: Scenario, index: number, kernel: ComparedStep, engine: ComparedStep): string {
  const step = scenario.steps[index]!
  const all = [...kernel.vmas, ...engine.vmas]
  const lines = [
    `step ${index + 1} (${step.op} ${JSON.stringify(step).slice(0, 160)})`,
    `  error   kernel: ${kernel.error ?? 'none'}   engine: ${engine.error ?? 'none'}`,
    `  kernel: ${kernel.vmas.map(comparedVmaText).join(' | ') || '(no VMAs)'}`,
    `  engine: ${engine.vmas.map(comparedVmaText).join(' | ') || '(no VMAs)'}`,
  ]
  if (all.length > 0) {
    const from = Math.min(...all.map((v) => v.start))
    const to = Math.max(...all.map((v) => v.end))
    if (to - from <= STRIP_MAX_PAGES) {
      lines.push(`  pages ${from}..${to - 1}:`, `    kernel ${strip(kernel.vmas, from, to)}`, `    engine ${strip(engine.vmas, from, to)}`)
    }
  }
  return lines.join('\n')
}

