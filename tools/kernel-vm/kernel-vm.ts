/**
 * Boot a real Debian 6.1 kernel under QEMU (TCG) and run the recorder on it:
 * every scenario given, in one boot.
 *
 * What it needs it installs with apt-get (as root): qemu-system-x86, e2fsprogs,
 * gcc + libc6-dev (static libc), and the newest linux-image-6.1.0-*-cloud-amd64
 * package, which is only downloaded and unpacked into ./cache (nothing goes into
 * /boot). It then builds tools/kernel-recorder/recorder.c and ./init.c as static
 * binaries, writes an initramfs (newc cpio: /init, /recorder, the overlay module,
 * one recorder script per scenario) and a small ext4 disk (NVMe, mounted on the
 * guest's /tmp so "ext4" files really are ext4), boots the kernel with the serial
 * console on stdout, and splits what the guest prints into one recording per
 * scenario (see init.c for the framing).
 *
 * KVM is not used: a guest started with -enable-kvm hung during boot on these
 * machines; TCG boots the cloud kernel in a few seconds.
 */
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const HERE = dirname(fileURLToPath(import.meta.url))
const REPO_ROOT = join(HERE, '..', '..')
const CACHE = join(HERE, 'cache')
const BUILD = join(HERE, 'build')
const RECORDER_SOURCE = join(REPO_ROOT, 'tools', 'kernel-recorder', 'recorder.c')
const INIT_SOURCE = join(HERE, 'init.c')
const QEMU = 'qemu-system-x86_64'
const KERNEL_PACKAGE = /^linux-image-(6\.1\.0-(\d+))-cloud-amd64$/
/** Guest time is slow under TCG; one boot of the whole corpus takes well under this. */
const BOOT_TIMEOUT_MS = 15 * 60_000

export interface GuestKernel {
  /** The package, e.g. linux-image-6.1.0-57-cloud-amd64. */
  package: string
  /** Its version, e.g. 6.1.192-3 (the 6.1 stable sublevel the image is built from). */
  version: string
  vmlinuz: string
  overlayModule: string
}

export type Ready<T> = { ok: true; value: T } | { ok: false; reason: string; unavailable?: true }

const run = (cmd: string, args: string[], cwd?: string) => spawnSync(cmd, args, { encoding: 'utf8', cwd, maxBuffer: 64 << 20 })
const has = (cmd: string): boolean => run('sh', ['-c', `command -v ${cmd}`]).status === 0
const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0

let aptUpdated = false
function aptInstall(packages: string[]): string | null {
  if (!isRoot()) return `not root: cannot apt-get install ${packages.join(' ')}`
  if (!has('apt-get')) return `no apt-get to install ${packages.join(' ')}`
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const install = () => spawnSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=600', '--no-install-recommends', ...packages], { encoding: 'utf8', env })
  let r = install()
  if (r.status !== 0 && !aptUpdated) {
    aptUpdated = true
    spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8', env })
    r = install()
  }
  return r.status === 0 ? null : `apt-get install ${packages.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`
}

/** qemu-system-x86_64, mkfs.ext4 and a static-capable gcc, installed when missing. */
export function ensureHostTools(): Ready<null> {
  const want: string[] = []
  if (!has(QEMU)) want.push('qemu-system-x86')
  if (!has('mkfs.ext4')) want.push('e2fsprogs')
  if (!has('gcc')) want.push('gcc')
  if (!existsSync('/usr/lib/x86_64-linux-gnu/libc.a')) want.push('libc6-dev')
  if (want.length > 0) {
    const problem = aptInstall(want)
    if (problem) return { ok: false, reason: problem }
  }
  return has(QEMU) ? { ok: true, value: null } : { ok: false, reason: `${QEMU} is not available after apt-get` }
}

/** The newest linux-image-6.1.0-N-cloud-amd64 the apt lists know. */
function newestKernelPackage(): string | null {
  const search = () => run('apt-cache', ['search', '--names-only', '^linux-image-6\\.1\\.0-[0-9]+-cloud-amd64$']).stdout
  let names = search().split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => KERNEL_PACKAGE.test(n))
  if (names.length === 0 && isRoot()) {
    spawnSync('apt-get', ['update', '-qq'], { encoding: 'utf8' })
    names = search().split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => KERNEL_PACKAGE.test(n))
  }
  names.sort((a, b) => Number(KERNEL_PACKAGE.exec(a)![2]) - Number(KERNEL_PACKAGE.exec(b)![2]))
  return names.at(-1) ?? null
}

/**
 * Download the 6.1 cloud kernel into ./cache (once): `apt-get download`, `dpkg-deb -x` into a
 * scratch dir, keep only vmlinuz and overlay.ko (cache/<package>/), drop the rest.
 */
export function ensureGuestKernel(): Ready<GuestKernel> {
  mkdirSync(CACHE, { recursive: true })
  const have = (d: string) => existsSync(join(CACHE, d, 'version')) && existsSync(join(CACHE, d, 'vmlinuz'))
  let name = readdirSync(CACHE).filter((d) => KERNEL_PACKAGE.test(d) && have(d)).sort().at(-1) ?? null
  if (!name) {
    if (!has('apt-get') || !has('dpkg-deb')) return { ok: false, reason: 'no apt-get/dpkg-deb to fetch the Debian 6.1 kernel image' }
    const pkg = newestKernelPackage()
    if (!pkg) return { ok: false, reason: 'apt knows no linux-image-6.1.0-*-cloud-amd64 package' }
    const scratch = join(CACHE, `${pkg}.unpack`)
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch, { recursive: true })
    try {
      const dl = run('apt-get', ['download', '-qq', pkg], scratch)
      const deb = readdirSync(scratch).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))
      if (!deb) return { ok: false, reason: `apt-get download ${pkg} failed: ${(dl.stderr || dl.stdout).trim()}` }
      const x = run('dpkg-deb', ['-x', join(scratch, deb), join(scratch, 'root')])
      if (x.status !== 0) return { ok: false, reason: `dpkg-deb -x ${deb} failed: ${x.stderr.trim()}` }
      const release = KERNEL_PACKAGE.exec(pkg)![1]!
      const vmlinuz = join(scratch, 'root', 'boot', `vmlinuz-${release}-cloud-amd64`)
      if (!existsSync(vmlinuz)) return { ok: false, reason: `${pkg} has no boot/vmlinuz-${release}-cloud-amd64` }
      const dest = join(CACHE, pkg)
      mkdirSync(dest, { recursive: true })
      copyFileSync(vmlinuz, join(dest, 'vmlinuz'))
      const overlay = join(scratch, 'root', 'lib', 'modules', `${release}-cloud-amd64`, 'kernel', 'fs', 'overlayfs', 'overlay.ko')
      if (existsSync(overlay)) copyFileSync(overlay, join(dest, 'overlay.ko'))
      writeFileSync(join(dest, 'version'), `${/_([^_]+)_amd64\.deb$/.exec(deb)![1]!.replace(/%3a/gi, ':')}\n`)
      name = pkg
    } finally {
      rmSync(scratch, { recursive: true, force: true })
    }
  }
  const root = join(CACHE, name)
  return { ok: true, value: { package: name, version: readFileSync(join(root, 'version'), 'utf8').trim(), vmlinuz: join(root, 'vmlinuz'), overlayModule: join(root, 'overlay.ko') } }
}

/** Build a static binary (the guest has no libc); a failure here is a bug, so it throws. */
function buildStatic(source: string, output: string): string {
  mkdirSync(dirname(output), { recursive: true })
  if (existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) return output
  const r = run('gcc', ['-static', '-O2', '-Wall', '-o', output, source])
  if (r.status !== 0) throw new Error(`gcc -static ${source} failed:\n${r.stderr}`)
  return output
}

/** One entry of a newc ("070701") cpio archive, the format the kernel unpacks as its initramfs. */
function cpioEntry(name: string, mode: number, data: Buffer, rdev: [number, number] = [0, 0], ino = 0): Buffer {
  const hex = (n: number) => n.toString(16).padStart(8, '0')
  const nameBytes = Buffer.from(`${name}\0`)
  const header = `070701${hex(ino)}${hex(mode)}${hex(0)}${hex(0)}${hex(1)}${hex(0)}${hex(data.length)}${hex(0)}${hex(0)}${hex(rdev[0])}${hex(rdev[1])}${hex(nameBytes.length)}${hex(0)}`
  const pad = (n: number) => Buffer.alloc((4 - (n % 4)) % 4)
  const head = Buffer.concat([Buffer.from(header), nameBytes])
  return Buffer.concat([head, pad(head.length), data, pad(data.length)])
}

export interface InitramfsFile {
  path: string
  data: Buffer
  executable?: boolean
}

export function writeInitramfs(output: string, files: readonly InitramfsFile[]): void {
  const dirs = new Set<string>()
  for (const f of files) for (let d = dirname(f.path); d !== '.' && d !== '/'; d = dirname(d)) dirs.add(d)
  const parts: Buffer[] = []
  let ino = 1
  for (const d of [...dirs].sort()) parts.push(cpioEntry(d, 0o040755, Buffer.alloc(0), [0, 0], ino++))
  parts.push(cpioEntry('dev', 0o040755, Buffer.alloc(0), [0, 0], ino++))
  parts.push(cpioEntry('dev/console', 0o020600, Buffer.alloc(0), [5, 1], ino++))
  for (const f of files) parts.push(cpioEntry(f.path, f.executable ? 0o100755 : 0o100644, f.data, [0, 0], ino++))
  parts.push(cpioEntry('TRAILER!!!', 0, Buffer.alloc(0)))
  writeFileSync(output, gzipSync(Buffer.concat(parts), { level: 1 }))
}

export interface GuestRun {
  kernel: GuestKernel
  /** What the guest's /init reported about its setup: "ext4 /tmp (/dev/nvme0n1)" → "OK" or an errno. */
  setup: Map<string, string>
  /** The recorder's output per script name (the text between its begin and end lines) and its exit. */
  outputs: Map<string, { text: string; exit: string }>
  /** Wall-clock seconds from starting QEMU to power-off. */
  seconds: number
  /** The whole serial console, for a failure message. */
  console: string
}

/**
 * Everything needed to boot: tools, the kernel, both static binaries. Not ready (with the
 * reason) only when QEMU or the kernel image cannot be had here; a build failure throws.
 */
export function prepareGuest(): Ready<{ kernel: GuestKernel; recorder: string; init: string }> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return { ok: false, reason: `the guest is x86-64 Linux; this is ${process.platform}/${process.arch}` }
  const tools = ensureHostTools()
  if (!tools.ok) return tools
  const kernel = ensureGuestKernel()
  if (!kernel.ok) return kernel
  const recorder = buildStatic(RECORDER_SOURCE, join(BUILD, 'recorder-static'))
  const init = buildStatic(INIT_SOURCE, join(BUILD, 'init'))
  return { ok: true, value: { kernel: kernel.value, recorder, init } }
}

export function parseConsole(text: string): Pick<GuestRun, 'setup' | 'outputs'> & { finished: boolean } {
  const setup = new Map<string, string>()
  const outputs = new Map<string, { text: string; exit: string }>()
  let current: string | null = null
  let lines: string[] = []
  let finished = false
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '')
    const f = line.split('\t')
    if (f[0] === 'vmascope-setup') setup.set(f[1] ?? '', f[2] ?? '')
    else if (f[0] === 'vmascope-begin') {
      current = f[1] ?? ''
      lines = []
    } else if (f[0] === 'vmascope-end' && current !== null) {
      outputs.set(current, { text: lines.join('\n') + '\n', exit: f[2] ?? '' })
      current = null
    } else if (f[0] === 'vmascope-finished') finished = true
    else if (current !== null && /^(kernel|base|step|vma|end|done|fatal)\t|^(done|end)$/.test(line)) lines.push(line)
  }
  return { setup, outputs, finished }
}

/** Boot once and run every script; `scripts` maps a script name (sorted = run order) to its text. */
export async function runInGuest(scripts: ReadonlyMap<string, string>): Promise<Ready<GuestRun> & { unavailable?: true }> {
  const prepared = prepareGuest()
  if (!prepared.ok) return { ok: false, reason: prepared.reason, unavailable: true }
  const { kernel, recorder, init } = prepared.value
  const work = join(BUILD, `run-${process.pid}`)
  mkdirSync(work, { recursive: true })
  const files: InitramfsFile[] = [
    { path: 'init', data: readFileSync(init), executable: true },
    { path: 'recorder', data: readFileSync(recorder), executable: true },
    ...[...scripts].map(([name, text]) => ({ path: `scripts/${name}`, data: Buffer.from(text) })),
  ]
  if (existsSync(kernel.overlayModule)) files.push({ path: 'overlay.ko', data: readFileSync(kernel.overlayModule) })
  const initramfs = join(work, 'initramfs.cpio.gz')
  writeInitramfs(initramfs, files)
  const disk = join(work, 'ext4.img')
  writeFileSync(disk, Buffer.alloc(0))
  const mkfs = run('mkfs.ext4', ['-q', '-F', disk, '64M'])
  if (mkfs.status !== 0) {
    rmSync(work, { recursive: true, force: true })
    return { ok: false, reason: `mkfs.ext4 failed: ${mkfs.stderr.trim()}` }
  }
  const args = [
    '-accel', 'tcg', '-m', '512', '-smp', '1', '-nographic', '-no-reboot', '-monitor', 'none',
    '-kernel', kernel.vmlinuz, '-initrd', initramfs,
    '-append', 'console=ttyS0 quiet loglevel=1 panic=-1 rdinit=/init',
    '-drive', `file=${disk},if=none,id=disk0,format=raw`, '-device', 'nvme,serial=vmascope,drive=disk0',
  ]
  const started = Date.now()
  const consoleText = await new Promise<string | Error>((resolve) => {
    const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    const timer = setTimeout(() => child.kill('SIGKILL'), BOOT_TIMEOUT_MS)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const text = Buffer.concat(out).toString('utf8')
      if (code !== 0) resolve(new Error(`${QEMU} exited with ${signal ?? `status ${code}`}: ${Buffer.concat(err).toString('utf8').trim()}\n${text.slice(-2000)}`))
      else resolve(text)
    })
  })
  rmSync(work, { recursive: true, force: true })
  if (consoleText instanceof Error) return { ok: false, reason: consoleText.message }
  const parsed = parseConsole(consoleText)
  if (!parsed.finished) return { ok: false, reason: `the guest did not finish its run; console ends:\n${consoleText.slice(-3000)}` }
  return { ok: true, value: { kernel, setup: parsed.setup, outputs: parsed.outputs, seconds: (Date.now() - started) / 1000, console: consoleText } }
}

/** `npx tsx tools/kernel-vm/kernel-vm.ts prepare`: install and build everything the guest needs (CI calls it). */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const what = process.argv[2]
  if (what !== 'prepare') {
    process.stderr.write('usage: tsx tools/kernel-vm/kernel-vm.ts prepare\n')
    process.exit(1)
  }
  const ready = prepareGuest()
  if (!ready.ok) {
    process.stderr.write(`cannot prepare the 6.1 guest: ${ready.reason}\n`)
    process.exit(3)
  }
  process.stdout.write(`ready: ${ready.value.kernel.package} ${ready.value.kernel.version}\n`)
}
