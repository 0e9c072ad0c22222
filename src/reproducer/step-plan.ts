/**
 * What a reproducer does at each step, decided once for both exported forms
 * (./c-program.ts, the TAP program; ./kselftest.ts, the TEST_F): the real call
 * as C, the errno and the VMAs the chosen profile predicts, or the reason the
 * step cannot be made with real calls on a stock machine.
 *
 * A step that cannot run is skipped, never faked. If the profile says it would
 * have changed the address space, every later step is skipped too, with that
 * reason: the real address space is then no longer the predicted one.
 */
import { DEFAULT_PROTECTION_KEYS, machineAssumptions } from '../engine/machine'
import type { KernelId, Trace } from '../engine/api'
import { profileFor } from '../engine/profiles'
import { DEFAULT_MAX_MAP_COUNT } from '../scenario/defaults'
import type { Scenario, Step } from '../scenario/types'
import type { RuntimeSection } from './c-runtime'
import { realObjects, segmentIndices, shmatBits, type RealFile, type RealFileType } from './real-objects'

export interface PlannedVma {
  start: number
  end: number
  /** smaps perms: "rw-p". */
  perms: string
  mg: boolean
}

/** A check made while the program runs: its C expression gives NULL (fine) or the reason to skip. */
export interface RuntimeCondition {
  /** C expression of type const char *. */
  problem: string
}

export interface PlannedStep {
  index: number
  /** One line: what the step does and what the profile predicts. ASCII, no '#'. */
  title: string
  /** Why the step is not run; null = it is run. */
  skip: string | null
  /** The predicted address space after the step differs from the one before it. */
  changes: boolean
  /** Conditions known only at run time (a backing file, the break, a hole that fits). */
  runtime: RuntimeCondition[]
  /** C statements before the call (e.g. choosing where a kernel-placed mmap goes). */
  prepare: string[]
  /** C expression of type int: 0 or the errno the real call gave. */
  call: string
  /** The fork step: the kselftest form waits for the child itself. */
  fork: boolean
  /** The errno the profile predicts, as a C constant ("0", "EEXIST"). */
  wantErrno: string
  want: PlannedVma[]
}

export interface ReproducerPlan {
  kernel: KernelId
  title: string
  notes: string
  windowPages: number
  files: RealFile[]
  brkBase: number | null
  /** initial.mergeAny with an empty initial address space: prctl(PR_SET_MEMORY_MERGE, 1) before step 1. */
  mergeAnyAtStart: boolean
  steps: PlannedStep[]
  /** The most VMAs the window holds after any step (sizes the program's buffers). */
  maxVmas: number
  /** SysV segments the program keeps (0 when no shm step runs). */
  segments: number
  /** The optional runtime sections the runnable steps use. */
  needs: Set<RuntimeSection>
  /** Steps skipped for a reason known when the file is written (not because an earlier one was). */
  skippedAhead: { index: number; reason: string }[]
}

/** Text safe inside a C string literal, a C comment and a TAP description: ASCII, no '#', no quote tricks. */
export function cText(text: string): string {
  return text
    .replace(/→/g, '->')
    .replace(/←/g, '<-')
    .replace(/×/g, 'x')
    .replace(/§/g, 'section ')
    .replace(/≤/g, '<=')
    .replace(/≥/g, '>=')
    .replace(/≠/g, '!=')
    .replace(/…/g, '...')
    .replace(/[—–]/g, '-')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, "'")
    .replace(/[^\x20-\x7e]/g, '?')
    .replace(/#/g, 'no.')
    .replace(/\\/g, '/')
    .replace(/"/g, "'")
    .replace(/\*\//g, '* /')
}

export const cString = (text: string): string => `"${cText(text)}"`

export function protExpr(prot: string): string {
  const parts = [prot[0] === 'r' && 'PROT_READ', prot[1] === 'w' && 'PROT_WRITE', prot[2] === 'x' && 'PROT_EXEC'].filter(Boolean)
  return parts.length ? parts.join(' | ') : 'PROT_NONE'
}

// secretmem, perf and io_uring never reach here: realObjects() names them as problems for the C reproducer.
const FILE_TYPE_C: Record<RealFileType, string> = {
  ext4: 'VS_EXT4', tmpfs: 'VS_TMPFS', overlayfs: 'VS_OVERLAYFS', memfd: 'VS_MEMFD', devzero: 'VS_DEVZERO',
  secretmem: 'VS_UNSUPPORTED', perf: 'VS_UNSUPPORTED', io_uring: 'VS_UNSUPPORTED',
}
export const fileTypeC = (type: RealFileType): string => FILE_TYPE_C[type]

/** As tools/kernel-recorder/recorder.c leaves_window(): a range that reaches past the window. */
const leavesWindow = (at: number, pages: number, windowPages: number): boolean =>
  at < 0 || pages < 0 || at > windowPages || pages > windowPages - at

function outsideWindow(step: Step, windowPages: number): string | null {
  const range = (at: number, pages: number) =>
    `the range [${at},${at + pages}) leaves the scenario's ${windowPages}-page window; a real process has other memory there, so a real call cannot answer as the window's edge does`
  switch (step.op) {
    case 'mmap':
      if (step.at === undefined && step.mapFlags?.includes('MAP_SHARED_VALIDATE'))
        return 'MAP_SHARED_VALIDATE at an address the kernel chooses: the C reproducer places such a mapping with MAP_FIXED_NOREPLACE, which MAP_SHARED_VALIDATE refuses'
      return step.at !== undefined && step.pages > 0 && leavesWindow(step.at, step.pages, windowPages) ? range(step.at, step.pages) : null
    case 'munmap':
    case 'mprotect':
    case 'madvise':
    case 'touch':
    case 'mlock':
    case 'munlock':
    case 'mseal':
    case 'pkey_mprotect':
      return step.pages > 0 && leavesWindow(step.at, step.pages, windowPages) ? range(step.at, step.pages) : null
    case 'mremap':
      if (step.dontUnmap && step.to === undefined) return 'MREMAP_DONTUNMAP to an address the kernel chooses: the C reproducer places only MREMAP_MAYMOVE moves'
      if (step.at >= windowPages || (step.pages > 0 && leavesWindow(step.at, step.pages, windowPages))) return range(step.at, step.pages)
      if (step.to !== undefined && leavesWindow(step.to, step.newPages, windowPages)) return range(step.to, step.newPages)
      if (step.to === undefined && !step.mayMove && leavesWindow(step.at, step.newPages, windowPages)) return range(step.at, step.newPages)
      return null
    default:
      return null
  }
}

function mmapFlags(step: Extract<Step, { op: 'mmap' }>): string {
  const flags = step.mapFlags ?? []
  const droppable = flags.includes('MAP_DROPPABLE')
  // MAP_DROPPABLE is a map type of its own (private droppable = MAP_DROPPABLE alone), as in the recorder.
  const parts = [flags.includes('MAP_SHARED_VALIDATE') ? null : step.share === 'shared' ? 'MAP_SHARED' : droppable ? null : 'MAP_PRIVATE']
  if (step.backing.kind === 'anon') parts.push('MAP_ANONYMOUS')
  for (const f of flags) if (f !== 'MAP_FIXED') parts.push(f)
  parts.push(flags.includes('MAP_FIXED') ? 'MAP_FIXED' : 'MAP_FIXED_NOREPLACE')
  return parts.filter((p): p is string => p !== null).join(' | ')
}

interface CallParts {
  prepare: string[]
  call: string
  runtime: RuntimeCondition[]
}

/** The SysV segments a program keeps (c-runtime.ts VS_MAX_SEGMENTS). */
const MAX_SEGMENTS = 256

function callOf(step: Step, i: number, fileIndex: number, scenario: Scenario, segments: ReadonlyMap<string, number>, range: readonly [number, number] | null): CallParts {
  const none = { prepare: [], runtime: [] }
  switch (step.op) {
    case 'mmap': {
      const fd = fileIndex >= 0 ? `vs_fd[${fileIndex}]` : '-1'
      const pgoff = step.backing.kind === 'anon' ? 0 : step.backing.pgoff
      const runtime: RuntimeCondition[] = []
      if (fileIndex >= 0) runtime.push({ problem: `vs_fd[${fileIndex}] < 0 ? vs_file_reason[${fileIndex}] : NULL` })
      const prepare: string[] = []
      let at = String(step.at)
      if (step.at === undefined) {
        at = `at_${i + 1}`
        runtime.push({ problem: `vs_place(&${at}, ${step.pages})` })
        prepare.push(`long ${at} = -1;`)
      }
      const call = `vs_mapped(mmap(W(${at}), PAGES(${step.pages}), ${protExpr(step.prot)}, ${mmapFlags(step)}, ${fd}, (off_t)${pgoff} * VS_PAGE), W(${at}), ${step.pages})`
      return { prepare, call, runtime }
    }
    case 'munmap':
      return { ...none, call: `VS_RC(munmap(W(${step.at}), PAGES(${step.pages})))` }
    case 'mprotect':
      return { ...none, call: `VS_RC(mprotect(W(${step.at}), PAGES(${step.pages}), ${protExpr(step.prot)}))` }
    case 'madvise':
      return { ...none, call: `VS_RC(madvise(W(${step.at}), PAGES(${step.pages}), ${step.advice}))` }
    case 'mlock':
      return { ...none, call: step.onFault ? `VS_RC(mlock2(W(${step.at}), PAGES(${step.pages}), MLOCK_ONFAULT))` : `VS_RC(mlock(W(${step.at}), PAGES(${step.pages})))` }
    case 'munlock':
      return { ...none, call: `VS_RC(munlock(W(${step.at}), PAGES(${step.pages})))` }
    case 'mlockall':
      return { ...none, call: `VS_RC(mlockall(${step.flags.join(' | ') || '0'}))` }
    case 'munlockall':
      return { ...none, call: 'VS_RC(munlockall())' }
    case 'mseal':
      return { ...none, call: `VS_RC(syscall(462 /* mseal */, W(${step.at}), PAGES(${step.pages}), 0UL))` }
    case 'pkey_mprotect':
      return { ...none, call: `VS_RC(syscall(SYS_pkey_mprotect, W(${step.at}), PAGES(${step.pages}), ${protExpr(step.prot)}, ${step.pkey}))` }
    case 'pkey_alloc':
      return { ...none, call: 'VS_RC(syscall(SYS_pkey_alloc, 0UL, 0UL))' }
    case 'pkey_free':
      return { ...none, call: `VS_RC(syscall(SYS_pkey_free, ${step.pkey}))` }
    case 'prctl':
      return { ...none, call: `VS_RC(prctl(PR_SET_MEMORY_MERGE, ${step.value}UL, 0UL, 0UL, 0UL))` }
    case 'brk':
      return { prepare: [], runtime: [{ problem: 'vs_brk_problem' }], call: `vs_brk(${step.pages})` }
    case 'touch':
      return { ...none, call: `vs_touch(${step.at}, ${step.pages}, ${step.write ? 1 : 0})` }
    case 'fork':
      return { ...none, call: 'vs_fork_and_follow_child()' }
    case 'mremap':
      if (step.to !== undefined)
        return { ...none, call: `vs_mapped(mremap(W(${step.at}), PAGES(${step.pages}), PAGES(${step.newPages}), MREMAP_MAYMOVE | MREMAP_FIXED${step.dontUnmap ? ' | MREMAP_DONTUNMAP' : ''}, W(${step.to})), W(${step.to}), ${step.newPages})` }
      if (step.dontUnmap)
        return { ...none, call: `vs_mapped(mremap(W(${step.at}), PAGES(${step.pages}), PAGES(${step.newPages}), MREMAP_DONTUNMAP, NULL), W(${step.at}), ${step.newPages})` }
      if (step.mayMove)
        return { prepare: [`long moved_${i + 1};`], runtime: [], call: `vs_mremap_may_move(${step.at}, ${step.pages}, ${step.newPages}, &moved_${i + 1})` }
      return { ...none, call: `vs_mapped(mremap(W(${step.at}), PAGES(${step.pages}), PAGES(${step.newPages}), 0), W(${step.at}), ${step.newPages})` }
    case 'shmget':
      return { ...none, call: `vs_shmget(${segments.get(step.segment)}, ${step.key ?? 0}L, ${step.pages}, ${step.exclusive ? 1 : 0})` }
    case 'shmat': {
      const seg = segments.get(step.segment)
      const bits = shmatBits(step.flags)
      if (step.at !== undefined || !range) return { ...none, call: `vs_shmat(${seg}, ${step.at ?? -1}, ${step.offset ?? 0}, ${bits})` }
      // Kernel-placed: the highest hole of the window that holds the segment, as the profile predicts (vs_place()).
      const at = `at_${i + 1}`
      return { prepare: [`long ${at} = -1;`], runtime: [{ problem: `vs_place(&${at}, ${range[1] - range[0]})` }], call: `vs_shmat(${seg}, ${at}, ${step.offset ?? 0}, ${bits})` }
    }
    case 'shmdt':
      return { ...none, call: `VS_RC(shmdt((char *)W(${step.at}) + ${step.offset ?? 0}))` }
  }
  void scenario
}

const ERRNO_NAME = /^E[A-Z0-9]+$/

/** The most expected VMAs, over all steps, a reproducer lists (each is one line of C). */
export const MAX_EXPECTED_VMAS = 200_000

/** A scenario whose reproducer would be too large to be of use; the message says why and what to do. */
export class ReproducerTooLarge extends Error {}

export function planReproducer(scenario: Scenario, trace: Trace): ReproducerPlan {
  const expected = trace.steps.reduce((sum, s) => sum + s.mapCount, 0)
  if (expected > MAX_EXPECTED_VMAS)
    throw new ReproducerTooLarge(
      `this scenario is too large for a C reproducer: checking each of its ${scenario.steps.length.toLocaleString('en-US')} steps would list ${expected.toLocaleString('en-US')} expected VMAs (at most ${MAX_EXPECTED_VMAS.toLocaleString('en-US')}); export a scenario with fewer steps or VMAs`,
    )
  // The program is for the chosen kernel: a hook it does not have is no reason to skip.
  const profile = profileFor(trace.kernel)
  const real = realObjects(scenario, { hasMmapPrepare: profile.hasMmapPrepare, mremapMovesManyVmas: profile.mremapMovesManyVmas })
  const initialVmas = scenario.initial?.vmas.length ?? 0
  const maxMapCount = scenario.maxMapCount ?? DEFAULT_MAX_MAP_COUNT
  const skippedAhead: { index: number; reason: string }[] = []
  // A scenario written for one kind of CPU runs only on that kind (checked when the program runs);
  // one that calls pkey_* without saying is predicted for the engine's default CPU, so it runs on that kind.
  const usesPkeys = scenario.steps.some((s) => s.op === 'pkey_mprotect' || s.op === 'pkey_alloc' || s.op === 'pkey_free')
  const keys = scenario.machine?.protectionKeys ?? (usesPkeys ? DEFAULT_PROTECTION_KEYS : undefined)
  // Predicted for an empty huge page pool: every step of such a scenario checks the machine's.
  const usesHugePages = scenario.steps.some((s) => s.op === 'mmap' && s.mapFlags?.includes('MAP_HUGETLB'))
  const segments = segmentIndices(scenario)
  const machineBase = machineAssumptions(scenario).basePage
  let divergedAt: number | null = null
  const steps = scenario.steps.map((step, i): PlannedStep => {
    const result = trace.steps[i]!
    const previous = i > 0 ? trace.steps[i - 1]! : null
    const changes =
      result.created.length > 0 || result.removed.length > 0 || step.op === 'fork' ||
      result.mergeAny !== (previous ? previous.mergeAny : scenario.initial?.mergeAny === true)
    const error = result.error
    let reason: string | null = null
    if (initialVmas > 0)
      reason = 'the scenario starts from an address space of its own (initial VMAs, such as an imported process), which real calls cannot recreate'
    else if (real.problems.has(i)) reason = real.problems.get(i)!
    else if (error !== null && !ERRNO_NAME.test(error)) reason = `the profile's answer "${error}" is not an errno a real call could give`
    else if (step.op === 'shmat' && step.offset && step.flags?.includes('SHM_RND') && !step.flags.includes('SHM_REMAP') && (step.at === undefined || machineBase + step.at === 0))
      reason = 'shmat SHM_RND of an address in the first page: do_shmat() asks for a fixed mapping at address 0, whose answer depends on the privileges the program runs with'
    else if (segments.size > MAX_SEGMENTS && (step.op === 'shmget' || step.op === 'shmat') && segments.get(step.segment)! >= MAX_SEGMENTS)
      reason = `more than ${MAX_SEGMENTS} SysV segments: the program keeps ${MAX_SEGMENTS}`
    else reason = outsideWindow(step, scenario.windowPages)
    if (reason === null && step.op === 'mmap' && step.mapFlags?.includes('MAP_HUGETLB') && step.at === undefined)
      reason = 'MAP_HUGETLB at an address the kernel chooses: the C reproducer places a mapping in the highest hole of its window, not on a 2 MiB boundary with the 511 pages vm_unmapped_area() asks for'
    // vs_place()/vs_mremap_may_move() take the window's highest hole; they do not keep vm_start_gap() free.
    if (reason === null && ((step.op === 'mmap' && step.at === undefined) || (step.op === 'mremap' && step.to === undefined && step.mayMove)) &&
      trace.vmasAt(i).some((v) => v.flags.includes('VM_GROWSDOWN')))
      reason = 'a VM_GROWSDOWN VMA is mapped: the C reproducer places a kernel-chosen mapping in the highest hole of its window, without the stack guard gap the kernel keeps below such a VMA'
    // EAGAIN: madvise answers a split refused at max_map_count so (madvise_vma_behavior()).
    if (reason === null && (error === 'ENOMEM' || error === 'EAGAIN') && maxMapCount !== DEFAULT_MAX_MAP_COUNT)
      reason = `the scenario's max_map_count ${maxMapCount} is not this machine's vm.max_map_count, which also counts the process's own mappings`
    if (reason !== null) skippedAhead.push({ index: i + 1, reason })
    if (reason === null && divergedAt !== null)
      reason = `step ${divergedAt} was not run, so the address space is no longer the one the profile predicts`
    if (reason !== null && changes && divergedAt === null) divergedAt = i + 1
    const predicted = [result.outcome, result.ksm && result.ksm !== 'none' ? `KSM ${result.ksm}` : null, error ?? null].filter(Boolean)
    const parts = callOf(step, i, real.fileOfStep[i]!, scenario, segments, result.range)
    return {
      index: i + 1,
      title: cText(`${result.summary}${predicted.length ? `: ${predicted.join(', ')}` : ''}`),
      skip: reason === null ? null : cText(reason),
      changes,
      runtime: [
        ...(keys === undefined ? [] : [{ problem: `vs_keys_problem(${keys ? 1 : 0})` }]),
        ...(usesHugePages ? [{ problem: 'vs_huge_pages_problem()' }] : []),
        ...parts.runtime,
      ],
      prepare: parts.prepare,
      call: parts.call,
      fork: step.op === 'fork',
      wantErrno: error ?? '0',
      want: trace.vmasAt(i + 1).map((v) => ({ start: v.start, end: v.end, perms: `${v.prot}${v.share === 'shared' ? 's' : 'p'}`, mg: v.mergeable })),
    }
  })
  const needs = new Set<RuntimeSection>()
  if (real.files.length > 0) needs.add('files')
  if (keys !== undefined && steps.some((s) => s.skip === null)) needs.add('keys')
  if (usesHugePages && steps.some((s) => s.skip === null)) needs.add('huge-pages')
  scenario.steps.forEach((step, i) => {
    if (steps[i]!.skip !== null) return
    if (step.op === 'mmap' || step.op === 'mremap') needs.add('answers')
    if (step.op === 'mmap' && step.at === undefined) needs.add('placement').add('placed-mmap')
    if (step.op === 'mremap' && step.to === undefined && step.mayMove) needs.add('placement').add('mremap-may-move')
    if (step.op === 'touch') needs.add('touch')
    if (step.op === 'brk') needs.add('brk')
    if (step.op === 'fork') needs.add('fork')
    if (step.op === 'shmget' || step.op === 'shmat' || step.op === 'shmdt') needs.add('shm')
    if (step.op === 'shmat' && step.at === undefined && steps[i]!.prepare.length > 0) needs.add('placement').add('placed-mmap')
  })
  return {
    kernel: trace.kernel,
    maxVmas: steps.reduce((m, s) => Math.max(m, s.want.length), 0),
    segments: needs.has('shm') ? Math.min(segments.size, MAX_SEGMENTS) : 0,
    needs,
    title: cText(scenario.title ?? 'untitled scenario'),
    notes: cText(scenario.notes ?? ''),
    windowPages: scenario.windowPages,
    files: real.files,
    brkBase: needs.has('brk') ? scenario.brkBase! : null,
    mergeAnyAtStart: initialVmas === 0 && scenario.initial?.mergeAny === true,
    steps,
    skippedAhead,
  }
}

/** `static const struct vs_vma want_N[]` for every step that has VMAs; returns the name per step (or NULL). */
export function wantTables(plan: ReproducerPlan): { text: string; names: string[] } {
  const lines: string[] = []
  const names = plan.steps.map((s) => {
    if (s.skip !== null || s.want.length === 0) return 'NULL'
    const name = `want_${s.index}`
    lines.push(`static const struct vs_vma ${name}[] = {`)
    for (const v of s.want) lines.push(`\t{ ${v.start}, ${v.end}, "${v.perms}", ${v.mg ? 1 : 0} },`)
    lines.push('};')
    return name
  })
  return { text: lines.join('\n'), names }
}

/**
 * The program's buffers, sized for the scenario: room for every VMA the window
 * may hold (with headroom, so a kernel that makes more still shows them) and
 * for /proc/self/smaps (about 1.5 KiB a VMA, plus the process's own).
 */
export function bufferDefines(plan: ReproducerPlan): string {
  const vmas = Math.max(1024, plan.maxVmas * 2 + 64)
  const smapsBytes = Math.max(16 << 20, (vmas + 512) * 1536)
  return `#define VS_MAX_VMAS ${vmas}\n#define VS_SMAPS_SIZE ${smapsBytes}\n`
}

/** The files, the break and KSM at start, as C statements run before the window is used. */
export function setupStatements(plan: ReproducerPlan): string[] {
  const out: string[] = []
  plan.files.forEach((f, k) => out.push(`vs_fd[${k}] = vs_open_backing(${k}, ${fileTypeC(f.type)}, ${f.sizePages}); /* ${cText(f.displayName)} (${f.type}) */`))
  if (plan.segments > 0) out.push(`vs_shm_setup(${plan.segments}); /* SysV segments: ${plan.segments} */`)
  return out
}

/** The block comment that opens both forms. */
export function headerComment(plan: ReproducerPlan, form: string, build: string[]): string {
  const lines = [
    `vmascope ${form}: ${plan.title}`,
    '',
    `Kernel profile: ${plan.kernel}. The expected errno and VMAs (range, prot, share,`,
    `VM_MERGEABLE = smaps "mg") after every step are what vmascope's simulated ${plan.kernel}`,
    'kernel predicts; the program makes each call for real and compares them with',
    '/proc/self/smaps.',
    '',
    ...build,
    '',
    `The window: ${plan.windowPages} pages reserved PROT_NONE between two shared guard`,
    'pages, its interior then unmapped; page N of the scenario is W(N). mmap uses',
    'MAP_FIXED_NOREPLACE there (MAP_FIXED where the scenario says so), as',
    'tools/kernel-recorder does in vmascope.',
  ]
  if (plan.files.length) {
    lines.push('', 'Backing files (one open each):')
    for (const f of plan.files) lines.push(`  ${cText(f.displayName)}: ${f.type}, ${f.sizePages} pages`)
  }
  lines.push('')
  if (plan.skippedAhead.length === 0) lines.push('Every step is made with real system calls.')
  else {
    lines.push('NOT REPRODUCED with real calls on a stock machine (those steps are skipped):')
    for (const s of plan.skippedAhead) lines.push(`  step ${s.index}: ${cText(s.reason)}`)
  }
  if (plan.notes) lines.push('', ...wrap(`Notes: ${plan.notes}`, 76))
  lines.push('', 'Steps, with what the profile predicts:')
  for (const s of plan.steps) lines.push(...wrap(`${s.index}. ${s.title}`, 76).map((l, k) => (k ? `     ${l}` : `  ${l}`)))
  return `/*\n${lines.map((l) => (l ? ` * ${l}` : ' *')).join('\n')}\n */`
}

function wrap(text: string, width: number): string[] {
  const out: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) out.push(line)
  return out
}
