/**
 * A parsed /proc/PID/smaps (./smaps.ts) → a `vma-scenario/1` document whose
 * `initial` state is that process's address space, with no steps yet: the
 * starting point for "what happens if this process now calls mmap here".
 *
 * Page numbers stay absolute (address / 4096): the window starts at page 0
 * (base "0x0") and ends at the last mapping's end, so the explorer's table
 * shows the same ranges as the file. The huge holes between the program, the
 * libraries and the stack are what the explorer's compressed axis is for.
 */
import { MAX_JSON_BYTES, utf8ByteLength } from '../scenario/json-text'
import { SCENARIO_FORMAT, type InitialBacking, type InitialVma } from '../scenario/types'
import { parseSmaps, type ParsedSmaps, type SmapsMapping, type SmapsProblem } from './smaps'

export interface ImportedProcess {
  /** A raw scenario document: open it through loadScenario like any other. */
  document: { format: typeof SCENARIO_FORMAT; title: string; notes: string; windowPages: number; placement: 'kernel'; brkBase?: number; initial: { base: string; vmas: InitialVma[] }; steps: [] }
  format: ParsedSmaps['format']
  /** Lines that could not be read, with their line numbers; the rest loaded. */
  problems: SmapsProblem[]
  /** Lines left out on purpose (the vsyscall page). */
  skipped: SmapsProblem[]
}

/** Pseudo-files the kernel maps itself (special mappings, VM_PFNMAP/VM_IO or VM_DONTEXPAND). */
const SPECIAL_MAPPINGS = new Set(['[vdso]', '[vvar]', '[vvar_vclock]', '[uprobes]', '[sigpage]'])
const DELETED = / \(deleted\)$/

interface Classified {
  backing: InitialBacking
  file?: string
  name?: string
}

/** What backs a mapping, from its path and share mode (as show_map_vma() names them). */
export function classifyMapping(m: Pick<SmapsMapping, 'pathname' | 'share'> & Partial<Pick<SmapsMapping, 'startPage' | 'pgoff' | 'inode'>>): Classified {
  const path = m.pathname
  if (path === '[heap]') return { backing: 'heap' }
  if (path === '') return { backing: 'anon' }
  if (SPECIAL_MAPPINGS.has(path)) return { backing: 'device', file: path, name: path }
  if (path.startsWith('[anon_shmem:')) return { backing: 'anon', name: path }
  if (path.startsWith('[')) return { backing: 'anon', name: path } // [stack], [anon:NAME]
  const live = path.replace(DELETED, '')
  if (live === '/dev/zero') return { backing: 'anon', name: path } // private: anonymous; shared: its own shmem file
  const memfd = /^\/memfd:(.*)$/.exec(live)
  if (memfd) return { backing: 'shmem', file: memfd[1]!, name: path }
  // A SysV shm attach: maps prints the shmid as the inode. Every piece of one attach starts vm_pgoff
  // pages above the attach's address (ksys_shmdt()'s own test), which names the attach's struct file.
  if (/^\/SYSV[0-9a-f]{8}$/.test(live) && m.startPage !== undefined && m.pgoff !== undefined)
    return { backing: 'sysv', file: `${live} shmid ${m.inode ?? 0} attached at 0x${(BigInt(m.startPage - m.pgoff) * 4096n).toString(16)}`, name: path }
  if (live.startsWith('/SYSV') || live.startsWith('/dev/shm/')) return { backing: 'shmem', file: live, name: path }
  if (live.startsWith('/dev/') || !live.startsWith('/')) return { backing: 'device', file: live, name: path }
  return { backing: 'file', file: live, name: path }
}

/** Do smaps' VmFlags agree with the header's permissions (they always do in a real file)? */
function flagsAgree(m: SmapsMapping, flags: readonly string[]): boolean {
  return (
    flags.includes('VM_READ') === (m.prot[0] === 'r') &&
    flags.includes('VM_WRITE') === (m.prot[1] === 'w') &&
    flags.includes('VM_EXEC') === (m.prot[2] === 'x') &&
    flags.includes('VM_MAYSHARE') === (m.share === 'shared')
  )
}

export function importSmapsText(text: string, fileName = 'smaps'): ImportedProcess {
  const parsed = parseSmaps(text)
  const problems = parsed.problems.slice()
  const vmas: InitialVma[] = []
  let anonVma = 0
  let brkBase: number | undefined
  for (const m of parsed.mappings) {
    const kind = classifyMapping(m)
    const vma: InitialVma = { start: m.startPage, end: m.endPage, prot: m.prot, share: m.share, backing: kind.backing }
    if (kind.file !== undefined) {
      vma.file = kind.file
      vma.pgoff = m.pgoff
    }
    if (kind.name !== undefined) vma.name = kind.name
    if (m.flags) {
      if (flagsAgree(m, m.flags)) vma.flags = m.flags
      else problems.push({ line: m.line, message: 'VmFlags disagree with the permissions on this mapping\'s line; the flags are taken from the permissions' })
    }
    if (m.anonymousKiB !== null && m.anonymousKiB > 0) vma.anonVma = ++anonVma
    if (Object.keys(m.fields).length > 0) vma.smaps = m.fields
    if (kind.backing === 'heap' && brkBase === undefined) brkBase = m.startPage
    vmas.push(vma)
  }
  problems.sort((a, b) => a.line - b.line)
  const windowPages = Math.max(1, vmas.length > 0 ? vmas[vmas.length - 1]!.end : 1)
  const notes = [
    `Imported from ${fileName} (${parsed.format === 'smaps' ? '/proc/PID/smaps' : '/proc/PID/maps: no VmFlags, flags from the permissions'}): ${vmas.length} VMAs.`,
    'Page numbers are absolute (address / 4096). Each faulted VMA gets an anon_vma of its own; the real kernel may share one between VMAs split from one mapping.',
    problems.length > 0 ? `${problems.length} line(s) could not be read and were left out.` : '',
  ].filter(Boolean).join(' ')
  return {
    document: {
      format: SCENARIO_FORMAT,
      title: `${fileName}: a real process (${vmas.length.toLocaleString('en-US')} VMAs)`,
      notes,
      windowPages,
      placement: 'kernel',
      ...(brkBase !== undefined ? { brkBase } : {}),
      initial: { base: '0x0', vmas },
      steps: [],
    },
    format: parsed.format,
    problems,
    skipped: parsed.skipped,
  }
}

const MIB = 1024 * 1024

/**
 * The imported document as scenario JSON, or why it cannot be one: a process
 * with so many mappings that its scenario would pass the 64 MiB any scenario
 * may be (the limit of src/scenario/json-text.ts), said in the file's terms.
 */
export function importedScenarioJson(imported: ImportedProcess, fileName: string): { ok: true; json: string } | { ok: false; message: string } {
  const json = JSON.stringify(imported.document)
  const bytes = utf8ByteLength(json, MAX_JSON_BYTES + 1)
  if (bytes <= MAX_JSON_BYTES) return { ok: true, json }
  const mappings = imported.document.initial.vmas.length.toLocaleString('en-US')
  return {
    ok: false,
    message: `${fileName}: ${mappings} mappings make a scenario of ${(json.length / MIB).toFixed(0)} MiB of JSON, more than the ${MAX_JSON_BYTES / MIB} MiB a scenario may be; import a process with fewer mappings (vm.max_map_count is 65,530 by default), or a part of the file`,
  }
}
