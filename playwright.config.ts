import { defineConfig } from '@playwright/test'

// Playwright cannot download its own browsers here: it drives Debian's chromium
// (installed by .ci/run). VMASCOPE_CHROMIUM overrides the path.
const executablePath = process.env.VMASCOPE_CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: 'http://localhost:4173',
    launchOptions: { executablePath },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'npm run build && npx vite preview --port 4173 --strictPort',
    url: 'http://localhost:4173',
    stdout: 'pipe',
    timeout: 180_000,
  },
})
