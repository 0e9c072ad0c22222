import { defineConfig } from '@playwright/test'

// Playwright cannot download its own browsers here: it drives Debian's chromium
// (installed by .ci/run). VMASCOPE_CHROMIUM overrides the path.
const executablePath = process.env.VMASCOPE_CHROMIUM ?? '/usr/bin/chromium'
// VMASCOPE_E2E_PORT lets two checkouts run their browser tests side by side.
const port = Number(process.env.VMASCOPE_E2E_PORT ?? 4173)

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npm run build && npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    stdout: 'pipe',
    timeout: 180_000,
  },
})
