import { expect, test } from '@playwright/test'
import { vmaTable } from './explorer-helpers.js'
import { serveDist, type StaticSite } from './static-server.js'

test.describe('the built site under a sub-path', () => {
  let site: StaticSite
  test.beforeAll(async () => {
    site = await serveDist('dist', '/vmascope/')
  })
  test.afterAll(async () => site.close())

  test('loads from /vmascope/ with its worker and assets', async ({ page }) => {
    const failed: string[] = []
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(`${site.origin}/vmascope/`)
    await expect(vmaTable(page)).toBeVisible()
    await expect(vmaTable(page).locator('tbody tr').first()).toBeVisible()
    expect(failed).toEqual([])
  })
})
