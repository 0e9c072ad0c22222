/**
 * Exports and the whole "done when" journey: build a five-step scenario in the
 * editor without JSON, send it as a link, present it, export the slides; an
 * exported SVG and PNG reopen to the same scenario; the PDF has one page per step.
 */
import { expect, test, type Download, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PDFDocument } from 'pdf-lib'
import { jsonViewText, openScenario, tableLayout, vmaTable } from './explorer-helpers.js'

async function bytesOf(download: Download): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

async function exportFile(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const download = page.waitForEvent('download', { timeout: 60_000 })
  await page.getByRole('button', { name: button, exact: true }).click()
  const file = await download
  return { name: file.suggestedFilename(), bytes: await bytesOf(file) }
}

/** Each page of a PDF: its text as pdf.js extracts it (as a reader's search or copy would) and how many pictures it paints. */
async function pdfPages(bytes: Buffer): Promise<Array<{ text: string; images: number }>> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const standardFontDataUrl = `${join(process.cwd(), 'node_modules/pdfjs-dist/standard_fonts')}/`
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), standardFontDataUrl }).promise
  const pages = []
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i)
    const content = await page.getTextContent()
    const ops = await page.getOperatorList()
    pages.push({
      text: content.items.map((item) => ('str' in item ? `${item.str}${item.hasEOL ? '\n' : ''}` : '')).join(''),
      images: ops.fnArray.filter((fn) => fn === pdfjs.OPS.paintImageXObject || fn === pdfjs.OPS.paintInlineImageXObject).length,
    })
  }
  return pages
}

async function reopen(page: Page, name: string, bytes: Buffer, mimeType: string) {
  await openScenario(page, 'brk')
  await page.getByLabel('Open scenario file').setInputFiles({ name, mimeType, buffer: bytes })
}

test('an exported SVG and PNG reopen to the same scenario', async ({ page }) => {
  await openScenario(page, 'ksm_merge', '6.18')
  const title = await page.locator('#scenario-title').textContent()
  const layout = await tableLayout(vmaTable(page))

  const svg = await exportFile(page, 'Export SVG')
  expect(svg.name).toMatch(/\.svg$/)
  const text = svg.bytes.toString('utf8')
  expect(text).toContain('<metadata><vmascope:scenario')
  expect(text).not.toContain('var(--')
  await reopen(page, svg.name, svg.bytes, 'image/svg+xml')
  await expect(page.locator('#scenario-title')).toHaveText(title ?? '')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual(layout)

  await openScenario(page, 'ksm_merge', '6.18')
  const png = await exportFile(page, 'Export PNG')
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  await writeFile('test-results/exported.png', png.bytes)
  const width = png.bytes.readUInt32BE(16)
  const cssWidth = await page.locator('[data-pane] [data-testid="address-space-view"] svg[role="img"]').first().evaluate((el) => el.getBoundingClientRect().width)
  expect(width).toBeGreaterThanOrEqual(2 * cssWidth)
  await page.setViewportSize({ width: 1400, height: 900 })
  await reopen(page, png.name, png.bytes, 'image/png')
  await expect(page.locator('#scenario-title')).toHaveText(title ?? '')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual(layout)
})

test('a picture without a scenario is refused with a message', async ({ page }) => {
  await openScenario(page, 'seed')
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>window.__pwned=1</script></svg>'
  await page.getByLabel('Open scenario file').setInputFiles({ name: 'plain.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) })
  await expect(page.getByRole('alert')).toContainText('plain.svg: this SVG holds no vmascope scenario')
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
})

test('a scenario file dropped on the page opens', async ({ page }) => {
  await openScenario(page, 'seed')
  const scenario = { format: 'vma-scenario/1', title: 'Dropped', windowPages: 8, steps: [{ op: 'mmap', at: 1, pages: 3, prot: 'r--', share: 'private', backing: { kind: 'anon' } }] }
  await page.evaluate((text) => {
    const data = new DataTransfer()
    data.items.add(new File([text], 'dropped.json', { type: 'application/json' }))
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
  }, JSON.stringify(scenario))
  await expect(page.locator('#scenario-title')).toHaveText('Dropped')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 1, end: 4, mergeable: false }])
})

test('a file dropped on the JSON view of the editor is opened as a file, never typed into the text', async ({ page }) => {
  await openScenario(page, 'seed')
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  await editor.getByRole('button', { name: 'JSON' }).click()
  const json = editor.getByLabel('Scenario JSON (vma-scenario/3)')
  const before = await jsonViewText(json)
  const drop = (name: string, text: string) =>
    json.evaluate(
      (content, { name, text }) => {
        const data = new DataTransfer()
        data.items.add(new File([text], name, { type: 'application/json' }))
        const line = content.querySelector('.cm-line')!
        line.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }))
        line.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }))
      },
      { name, text },
    )
  // Not a scenario: the page says so, and the text is as it was.
  await drop('notes.json', '{"not": "a scenario"}')
  await expect(page.getByRole('alert')).toContainText('notes.json')
  expect(await jsonViewText(json)).toBe(before)
  await expect(editor.getByTestId('editor-status')).toHaveText(/^Applied · /)
  // A scenario: it opens, and the JSON view shows it.
  const scenario = { format: 'vma-scenario/1', title: 'Dropped on the text', windowPages: 8, steps: [{ op: 'mmap', at: 1, pages: 3, prot: 'r--', share: 'private', backing: { kind: 'anon' } }] }
  await drop('dropped.json', JSON.stringify(scenario))
  await expect(page.locator('#scenario-title')).toHaveText('Dropped on the text')
  await expect.poll(async () => JSON.parse(await jsonViewText(json)).title).toBe('Dropped on the text')
  await expect(editor.getByTestId('editor-status')).toHaveText('Applied · 1 step')
})

test('build five steps in the editor, share, present and export the slides', async ({ page, browser }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 1500, height: 950 })
  await openScenario(page, 'seed', '6.18')
  await page.getByRole('button', { name: 'Edit scenario' }).click()
  const editor = page.getByTestId('scenario-editor')
  await expect(editor).toBeVisible()
  // Start from an empty scenario: remove the seed's steps.
  while ((await editor.getByTestId('editor-step').count()) > 0) await editor.getByRole('button', { name: 'Remove step 1' }).click()
  await editor.getByLabel('Title').fill('Five steps by hand')

  const add = async (op: string) => {
    await editor.getByLabel('New step').selectOption(op)
    await editor.getByRole('button', { name: 'Add step' }).click()
  }
  await add('mmap') // A at 0, 2 pages
  await add('prctl')
  await add('mmap') // B at 2
  await add('mmap') // C at 4
  await add('touch')
  await expect(editor.getByTestId('editor-step')).toHaveCount(5)

  // Typing is checked as you type: a bad value is named and not applied.
  const pages = editor.getByLabel('Step 3 pages')
  await pages.fill('3x')
  await expect(pages).toHaveAttribute('aria-invalid', 'true')
  await expect(editor.getByTestId('editor-status')).toContainText('Not applied: steps[2].pages')
  await pages.fill('3')
  await expect(editor.getByTestId('editor-status')).toContainText('Applied · 5 steps')
  await editor.getByLabel('Step 4 at (page)').fill('5')
  await editor.getByRole('button', { name: 'Move step 2 up' }).click()
  await expect(editor.getByTestId('editor-step').first()).toHaveAttribute('aria-label', 'Step 1: prctl')
  await page.keyboard.press('Control+z')
  await expect(editor.getByTestId('editor-step').first()).toHaveAttribute('aria-label', 'Step 1: mmap')
  await editor.getByRole('button', { name: 'Redo' }).click()
  await expect(editor.getByTestId('editor-step').first()).toHaveAttribute('aria-label', 'Step 1: prctl')

  // The JSON view shows the same scenario, and an error at its line.
  await editor.getByRole('button', { name: 'JSON' }).click()
  const json = editor.getByLabel('Scenario JSON (vma-scenario/3)')
  const text = await jsonViewText(json)
  expect(JSON.parse(text).title).toBe('Five steps by hand')
  await json.fill(text.replace('"rw-"', '"rwq"'))
  await expect(editor.getByTestId('json-error')).toContainText(/^Line \d+: steps\[\d\]\.prot:/)
  await page.screenshot({ path: 'test-results/editor-json.png' })
  await json.fill(text)
  await editor.getByRole('button', { name: 'Form' }).click()
  await page.screenshot({ path: 'test-results/editor.png' })

  await page.getByRole('button', { name: 'Last step' }).click()
  const layout = await tableLayout(vmaTable(page))
  expect(layout.length).toBeGreaterThan(0)
  await page.getByRole('button', { name: 'Share', exact: true }).click()
  await page.getByLabel('Open in presentation mode').check()
  const link = await page.getByRole('textbox', { name: 'Share link' }).inputValue()
  await page.screenshot({ path: 'test-results/share-dialog-present.png' })

  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  const receiver = await context.newPage()
  await receiver.goto(link)
  await expect(receiver.getByTestId('presentation')).toBeVisible()
  await expect(receiver.getByTestId('present-step')).toHaveText(/^Step 5 of 5/)
  await receiver.keyboard.press('Escape')
  const slides = await exportFile(receiver, 'Export slides')
  expect(slides.name).toBe('five-steps-by-hand-slides.pdf')
  const pdf = await PDFDocument.load(slides.bytes)
  expect(pdf.getPageCount()).toBe(5)
  // Vector pages: each page's text can be extracted, and it holds that step's call, as the explorer words it.
  const pdfText = await pdfPages(slides.bytes)
  expect(pdfText).toHaveLength(5)
  const calls = ['prctl PR_SET_MEMORY_MERGE 1', 'mmap A [0,2) rw- anon private', 'mmap', 'mmap', 'touch']
  pdfText.forEach((page, k) => {
    expect(page.text).toContain('Five steps by hand')
    expect(page.text).toContain(`Step ${k + 1} of 5 · ${calls[k]}`)
    expect(page.images).toBe(0)
  })
  await context.close()
})

test('"Export C program" downloads a C file that compiles and, run on this kernel, reproduces the 6.18 prediction', async ({ page }) => {
  test.setTimeout(120_000)
  await openScenario(page, 'ksm_merge', '6.18')
  const program = await exportFile(page, 'Export C program')
  expect(program.name).toMatch(/-6\.18\.c$/)
  const source = program.bytes.toString('utf8')
  expect(source).toContain(' * Kernel profile: 6.18.')
  const dir = await mkdtemp(join(tmpdir(), 'vmascope-e2e-c-'))
  try {
    await writeFile(join(dir, 'reproducer.c'), program.bytes)
    const build = spawnSync('gcc', ['-Wall', '-Wextra', '-Werror', '-o', join(dir, 'reproducer'), join(dir, 'reproducer.c')], { encoding: 'utf8' })
    expect(build.stderr).toBe('')
    expect(build.status).toBe(0)
    const run = spawnSync(join(dir, 'reproducer'), { encoding: 'utf8' })
    expect(run.stdout).toMatch(/^1\.\.\d+$/m)
    expect(run.stdout).not.toContain('not ok')
    expect(run.status).toBe(0)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }

  const ks = await exportFile(page, 'Export kselftest')
  expect(ks.name).toMatch(/-6\.18-kselftest\.c$/)
  expect(ks.bytes.toString('utf8')).toMatch(/^TEST_F\(merge, vmascope_[a-z0-9_]+\)$/m)
})

test('"Export PNG 16:9" is a 1920×1080 landscape picture with the scenario inside', async ({ page }) => {
  await openScenario(page, 'ksm_merge', '6.18')
  const png = await exportFile(page, 'Export PNG 16:9')
  expect(png.name).toMatch(/-1920x1080\.png$/)
  expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  expect([png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)]).toEqual([1920, 1080])
  await writeFile('test-results/exported-1920x1080.png', png.bytes)
  const title = await page.locator('#scenario-title').textContent()
  await reopen(page, png.name, png.bytes, 'image/png')
  await expect(page.locator('#scenario-title')).toHaveText(title ?? '')
})

test('"Export slides" of 1,001 steps says it is too many, exports nothing, and the explorer steps on', async ({ page }) => {
  const dir = await mkdtemp(join(tmpdir(), 'vmascope-slides-'))
  const steps = Array.from({ length: 1001 }, (_, i) => ({ op: 'mprotect', at: 0, pages: 1, prot: i % 2 ? 'rw-' : 'r--' }))
  const file = join(dir, 'long.json')
  await writeFile(file, JSON.stringify({
    format: 'vma-scenario/3', title: 'long', windowPages: 16, placement: 'fixed',
    steps: [{ op: 'mmap', at: 0, pages: 4, prot: 'rw-', share: 'private', backing: { kind: 'anon' } }, ...steps.slice(1)],
  }))
  await openScenario(page, 'seed', '6.18')
  await page.getByLabel('Open scenario file').setInputFiles(file)
  await expect(page.locator('#scenario-title')).toHaveText('long')
  let downloaded = false
  page.on('download', () => { downloaded = true })
  await page.getByRole('button', { name: 'Export slides', exact: true }).click()
  await expect(page.getByTestId('export-status')).toHaveText('Export slides failed: 1,001 steps are too many for slides (at most 1,000, a page each); export one step as a picture, or shorten the scenario')
  expect(downloaded).toBe(false)
  await page.keyboard.press('Home') // step 0, then step 1: the mmap
  await page.keyboard.press('ArrowRight')
  await expect.poll(() => tableLayout(vmaTable(page))).toEqual([{ start: 0, end: 4, mergeable: false }])
  await rm(dir, { recursive: true, force: true })
})
