// The bundle budget, checked in CI after the build (`npm test` runs it after
// Playwright, whose web server has just built dist/): the main JavaScript chunk,
// the one index.html loads, must be at most 150 KB gzipped (1 KB = 1000 bytes,
// gzip level 9). The engine worker and lazily loaded chunks are not counted.
//
//   node tools/check-bundle.mjs [distDir]        exit 1 when over budget
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

export const BUDGET_KB = 150

/** The main chunk of a built app and its gzipped size in KB. */
export function mainChunkSize(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8')
  const match = /<script[^>]*type="module"[^>]*src="([^"]+\.js)"/.exec(html)
  if (!match) throw new Error(`${distDir}/index.html loads no module script`)
  const file = join(distDir, match[1].replace(/^\.?\//, ''))
  const bytes = readFileSync(file)
  return { file, rawKB: bytes.length / 1000, gzipKB: gzipSync(bytes, { level: 9 }).length / 1000 }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const distDir = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url))
  const { file, rawKB, gzipKB } = mainChunkSize(distDir)
  const verdict = gzipKB <= BUDGET_KB ? 'within' : 'OVER'
  console.log(`bundle: ${file}: ${rawKB.toFixed(1)} KB, ${gzipKB.toFixed(1)} KB gzipped, ${verdict} the budget of ${BUDGET_KB} KB`)
  if (gzipKB > BUDGET_KB) process.exit(1)
}
