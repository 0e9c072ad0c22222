// The bundle budget, checked in CI after the build (`npm test` runs it after
// Playwright, whose web server has just built dist/): the main JavaScript
// bundle, that is every module script index.html loads plus every chunk they
// import statically (the ones index.html modulepreloads: all the code the first
// view waits for), must be at most 125 KB gzipped (1 KB = 1000 bytes, gzip level 9,
// each file compressed on its own as a server sends it). The engine worker and
// chunks loaded on demand (editor, export, share dialog, presentation mode,
// the scenario validator) are not counted.
//
//   node tools/check-bundle.mjs [distDir]        exit 1 when over budget
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export const BUDGET_KB = 125

/** The main bundle of a built app (entry chunk + modulepreloaded chunks) and its gzipped size in KB. */
export function mainChunkSize(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8')
  const scripts = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+\.js)"/g)].map((m) => m[1])
  if (!scripts.length) throw new Error(`${distDir}/index.html loads no module script`)
  const preloaded = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)].map((m) => m[1])
  const files = [...new Set([...scripts, ...preloaded])].map((href) => join(distDir, href.replace(/^\.?\//, '')))
  let raw = 0
  let gzip = 0
  for (const file of files) {
    const bytes = readFileSync(file)
    raw += bytes.length
    gzip += gzipSync(bytes, { level: 9 }).length
  }
  return { file: files[0], files, rawKB: raw / 1000, gzipKB: gzip / 1000 }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const distDir = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url))
  const { files, rawKB, gzipKB } = mainChunkSize(distDir)
  const verdict = gzipKB <= BUDGET_KB ? 'within' : 'OVER'
  console.log(`bundle: ${files.length} files (entry + modulepreloaded): ${rawKB.toFixed(1)} KB, ${gzipKB.toFixed(1)} KB gzipped, ${verdict} the budget of ${BUDGET_KB} KB`)
  if (gzipKB > BUDGET_KB) process.exit(1)
}
