/** Steps shared by the share, present and export specs. */
import { expect, type Page } from '@playwright/test'

/** The #v1. hash once the address has caught up with the state (it follows 250 ms after the last change). */
export async function hashAfter(page: Page, change: () => Promise<void>): Promise<string> {
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#v1\./)
  const before = await page.evaluate(() => location.hash)
  await change()
  await expect.poll(() => page.evaluate(() => location.hash)).not.toBe(before)
  return page.evaluate(() => location.hash)
}
