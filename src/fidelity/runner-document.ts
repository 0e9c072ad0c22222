/**
 * The runner JSON document (shared/scenario-format.md, "What the runner prints")
 * as the recorder fills it. The engine's report.ts produces the same shape; the
 * recorder adds `unsupported` on steps it could not run (with --allow-unsupported).
 */

export interface RunnerVma {
  start: number
  end: number
  prot: string
  share: 'private' | 'shared'
  mergeable: boolean
  /** Names of the mappings whose pages this VMA holds, each once, in address order of first appearance. */
  names: string[]
  flags: string[]
  /** File page offset; null where smaps shows none (anonymous memory, the heap). */
  pgoff: number | null
  backing: 'anon' | 'file' | 'shmem' | 'device' | 'heap'
  file: string | null
  /** The real kernel does not show anon_vma identity: always null here. */
  anonVma: number | null
  mnemonics: string[]
}

export interface RunnerStep {
  index: number
  op: string
  process: 'parent' | 'child'
  error: string | null
  outcome: string | null
  ksm: string | null
  vmas: RunnerVma[]
  checks: unknown[]
  summary: string
  /** Recorder only: why this step could not be run on this machine. */
  unsupported?: string
}

export interface RunnerDocument {
  kernel: string
  steps: RunnerStep[]
}
