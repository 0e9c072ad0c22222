/**
 * Opening the largest scenario there may be, a file of 1,000,000 steps: it is
 * read and checked off the main thread, once, with progress and a Cancel
 * button; the page answers meanwhile. The longest main-thread task is printed
 * (a figure, the machine is shared); a task over a second fails the test as a
 * freeze.
 */
import { writeFileSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'

const STEPS = 1_000_000

function millionStepFile(title: string): Buffer {
  const steps = ['{"op":"mmap","name":"A","at":0,"pages":4,"prot":"rw-","share":"private","backing":{"kind":"anon"}}']
  for (let i = 1; i < STEPS; i++) steps.push(`{"op":"mprotect","at":${i % 3},"pages":1,"prot":"${i % 2 ? 'r--' : 'rw-'}"}`)
  return Buffer.from(`{"format":"vma-scenario/3","title":"${title}","windowPages":16,"steps":[\n${steps.join(',\n')}\n]}\n`)
}

async function watchLongTasks(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __tasks: number[] }
    w.__tasks = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__tasks.push(entry.duration)
    }).observe({ type: 'longtask' })
  })
}
const longestTask = (page: Page) => page.evaluate(() => Math.max(0, ...(window as unknown as { __tasks: number[] }).__tasks.splice(0)))

test('a 1,000,000-step file opens with the page answering throughout, with progress; Cancel leaves the scenario on screen', async ({ page }) => {
  test.setTimeout(300_000)
  await page.goto('./?scenario=seed')
  const title = page.locator('#scenario-title')
  await expect(title).not.toBeEmpty()
  const seedTitle = await title.textContent()
  const file = millionStepFile('A million steps')
  // From a path: a buffer would be turned into a File by script in the page, one long task of the test's own.
  const path = test.info().outputPath('million.json')
  writeFileSync(path, file)
  const input = page.getByLabel('Open scenario file')

  // Cancel while it is read: nothing changes.
  await input.setInputFiles(path)
  const status = page.getByTestId('opening-status')
  await expect(status).toContainText('Opening million.json: ')
  await status.getByRole('button', { name: 'Cancel opening million.json' }).click()
  await expect(status).toHaveCount(0)
  await expect(title).toHaveText(seedTitle!)
  await expect(page.getByRole('alert')).toHaveCount(0)

  await watchLongTasks(page)
  const started = Date.now()
  await input.setInputFiles(path)
  await expect(status).toContainText(/Opening million\.json: (reading and checking it…|taking in [\d,]+ of 1,000,000 steps and VMAs)/)
  await expect(title).toHaveText('A million steps', { timeout: 120_000 })
  const opened = Date.now() - started
  const whileOpening = await longestTask(page)
  // The run starts and reports its progress; ten seconds of it.
  await expect(page.getByTestId('step-announcer')).toHaveText(/^Step [1-9]\d* of \d+/, { timeout: 60_000 })
  await page.waitForTimeout(10_000)
  const whileRunning = await longestTask(page)
  console.log(
    `1,000,000-step file (${(file.length / 1048576).toFixed(1)} MiB): opened after ${opened} ms, longest main-thread task while opening ${Math.round(whileOpening)} ms; ` +
      `longest task in the first 10 s of the run that follows ${Math.round(whileRunning)} ms`,
  )
  expect(whileOpening).toBeLessThan(1000) // a freeze guard, not a speed target
})
