/**
 * Every message names the real problem, in the built app: random bytes, a
 * maps file of a million lines, SVGs whose <svg> comes after a DOCTYPE with an
 * internal subset or a long comment, a PNG whose text keyword is 3 MB long,
 * and bad links in presentation mode and the embed; a bad link after an edit
 * names the edited scenario, which stays.
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { openScenario } from './explorer-helpers.js'

const SEED_TITLE_SELECTOR = '#scenario-title'

/** Fails the test on any uncaught error in the page (a stack overflow, say). */
function noPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  return errors
}

async function openFile(page: Page, name: string, bytes: Buffer, mimeType = 'application/octet-stream') {
  await page.getByLabel('Open scenario file').setInputFiles({ name, mimeType, buffer: bytes })
}

test('1 MB of random bytes: "not text", not a nesting depth; the scenario stays', async ({ page }) => {
  const errors = noPageErrors(page)
  await openScenario(page, 'seed', '6.18')
  const title = await page.locator(SEED_TITLE_SELECTOR).textContent()
  let seed = 5
  const random = Buffer.alloc(1_000_000)
  for (let i = 0; i < random.length; i++) random[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
  await openFile(page, 'noise.bin', random)
  const alert = page.getByRole('alert')
  await expect(alert).toContainText(/noise\.bin: this is not text: byte [\d,]+ \(0x[0-9a-f]{2}\) is not UTF-8/)
  await expect(alert).not.toContainText('nests')
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText(title ?? '')
  expect(errors).toEqual([])
})

test('a maps file of 1,000,000 lines names its mappings, not "JSON text larger than 64 MiB"', async ({ page }) => {
  test.setTimeout(180_000)
  await openScenario(page, 'seed', '6.18')
  const lines: string[] = []
  for (let i = 0; i < 1_000_000; i++) {
    const start = 0x10000000 + i * 2 * 4096
    lines.push(`${start.toString(16)}-${(start + 4096).toString(16)} rw-p 00000000 00:00 0 `)
  }
  // Over Playwright's 50 MB limit for a buffer: given as a file.
  const path = join(tmpdir(), `vmascope-big-${process.pid}.maps`)
  writeFileSync(path, lines.join('\n'))
  await page.getByLabel('Import smaps file').setInputFiles(path)
  const alert = page.getByRole('alert').filter({ hasText: 'mappings make a scenario' })
  await expect(alert).toContainText(/vmascope-big-\d+\.maps: 1,000,000 mappings make a scenario of \d+ MiB of JSON, more than the 64 MiB a scenario may be/, { timeout: 120_000 })
  await expect(alert).not.toContainText('JSON text')
})

test('an exported SVG opens after a DOCTYPE with an internal subset or a long comment; other XML is named', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const scenario = { format: 'vma-scenario/1', title: 'Inside an SVG', windowPages: 8, steps: [{ op: 'mmap', name: 'X', at: 2, pages: 3, prot: 'r--', share: 'private', backing: { kind: 'anon' } }] }
  const json = JSON.stringify(scenario).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><metadata><vmascope:scenario xmlns:vmascope="https://github.com/vmascope/vmascope/scenario">${json}</vmascope:scenario></metadata></svg>`
  const doctype = '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n  <!ENTITY ns "http://www.w3.org/2000/svg">\n]>\n'
  await openFile(page, 'doctype.svg', Buffer.from(doctype + svg), 'image/svg+xml')
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText('Inside an SVG')
  await expect(page.getByRole('alert')).toHaveCount(0)

  await openScenario(page, 'seed', '6.18')
  await openFile(page, 'comment.svg', Buffer.from(`<!-- ${'made by a tool > '.repeat(1000)} -->\n${svg}`), 'image/svg+xml')
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText('Inside an SVG')

  await openFile(page, 'page.html', Buffer.from('<!DOCTYPE html>\n<html><body>hello</body></html>'), 'text/html')
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('page.html: this is XML or HTML, not an SVG')
  await expect(alert).not.toContainText('invalid JSON')
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText('Inside an SVG')
})

/** A PNG of one pixel (signature, IHDR, IDAT, IEND) with `extra` chunk bytes before IEND. */
function pngWith(extra: Buffer): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length)
    out.writeUInt32BE(data.length, 0)
    out.write(type, 4, 'latin1')
    data.copy(out, 8)
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length)
    return out
  }
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])
  // zlib of the one scanline [filter 0, grey 0]
  const idat = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), extra.length ? chunk('tEXt', extra) : Buffer.alloc(0), chunk('IEND', Buffer.alloc(0))])
}

test('a PNG whose text keyword is 3 MB long gets a message, and no uncaught error', async ({ page }) => {
  const errors = noPageErrors(page)
  await openScenario(page, 'seed', '6.18')
  const title = await page.locator(SEED_TITLE_SELECTOR).textContent()
  const keyword = Buffer.alloc(3 * 1024 * 1024, 0x61)
  await openFile(page, 'long-keyword.png', pngWith(Buffer.concat([keyword, Buffer.from([0]), Buffer.from('{}')])), 'image/png')
  const alert = page.getByRole('alert')
  // The chunk comes after the 8-byte signature, IHDR (12 + 13 bytes) and IDAT (12 + 10): byte 55.
  await expect(alert).toContainText("long-keyword.png: the PNG's tEXt chunk at byte 55 has a keyword of 3,145,728 bytes; PNG allows 1 to 79")
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText(title ?? '')
  expect(errors).toEqual([])
})

for (const mode of ['embed', 'present'] as const) {
  test(`a bad link in ?${mode}=1 gets a message, and the view still steps`, async ({ page }) => {
    await page.goto(`./?${mode}=1#v1.N4IgzgLgTghg5iAXKAZgSwDY`)
    const view = page.getByTestId(mode === 'embed' ? 'embed' : 'presentation')
    await expect(view).toBeVisible()
    const alert = view.getByRole('alert')
    await expect(alert).toContainText(/^This link could not be opened: .*(cut short|damaged|not valid JSON).*\. The explorer still shows “.+”\./)
    await expect(page.getByTestId('present-step')).toContainText(/^Step \d+ of \d+/)
  })
}

test('a bad link after an edit names the edited scenario, which stays', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  await editor.getByLabel('Title', { exact: true }).fill('My edited seed')
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText('My edited seed')
  await page.evaluate(() => (window.location.hash = '#v9.abc'))
  const alert = page.getByRole('alert').filter({ hasText: 'This link could not be opened' })
  await expect(alert).toContainText('newer vmascope (state format v9)')
  await expect(alert).toContainText('The explorer still shows “My edited seed”.')
  await expect(alert).not.toContainText('default scenario')
  await expect(page.locator(SEED_TITLE_SELECTOR)).toHaveText('My edited seed')
})

test('a recording with impossible VMAs is refused, naming the step and the VMA; nothing is drawn', async ({ page }) => {
  await openScenario(page, 'seed', '6.18')
  const vma = (start: number, end: number) => ({ start, end, prot: 'rw-', share: 'private', mergeable: false })
  const recording = (vmas: object[]) => Buffer.from(JSON.stringify({ kernel: 'real:6.18.0', steps: [{ index: 1, op: 'mmap', error: null, vmas: [vma(0, 2)] }, { index: 2, op: 'mmap', error: null, vmas }, { index: 3, op: 'mmap', error: null, vmas: [] }] }))
  const section = page.getByTestId('recording-section')
  await page.getByLabel('Open recording').setInputFiles({ name: 'backwards.json', mimeType: 'application/json', buffer: recording([vma(0, 2), vma(9, 5)]) })
  await expect(section.getByRole('alert')).toHaveText('backwards.json: not a recording a kernel could make: step 2, VMA 2 of 2 [9, 5) ends before it starts; a VMA holds at least one page')
  await page.getByLabel('Open recording').setInputFiles({ name: 'huge.json', mimeType: 'application/json', buffer: recording([vma(0, 1e15)]) })
  await expect(section.getByRole('alert')).toHaveText('huge.json: not a recording a kernel could make: step 2, VMA 1 of 1 [0, 1000000000000000) ends past page 2^36 (68719476736), beyond any address space')
  await expect(section.getByTestId('address-space-view')).toHaveCount(0)
})
