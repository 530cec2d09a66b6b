import { defineConfig } from '@playwright/test'

// The browser host in Debian's Chromium (the Electron binary cannot be downloaded everywhere),
// plus the Electron spec, which skips itself with a reason where the binary is missing.
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  // Whole scenarios (two clients, a reload, a capture start) on a loaded lab PC or CI machine.
  timeout: 60_000,
  expect: { timeout: 5_000 },
  reporter: [['list']],
  use: { viewport: { width: 1440, height: 900 }, trace: 'retain-on-failure' },
  projects: [
    {
      name: 'browser',
      testIgnore: /electron\.spec\.ts/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
        }
      }
    },
    { name: 'electron', testMatch: /electron\.spec\.ts/ }
  ]
})
