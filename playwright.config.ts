import path from 'node:path'
import { defineConfig } from '@playwright/test'

// A language or any setting this user saved in a window must not reach the tests (each host the
// fixtures start gets a folder of its own; this covers every other socklab a spec starts).
process.env.XDG_CONFIG_HOME = path.join(__dirname, 'node_modules', '.cache', 'socklab-test-config')

// The browser host in Debian's Chromium (the Electron binary cannot be downloaded everywhere),
// plus the Electron spec, which skips itself with a reason where the binary is missing.
const FLOODS = /capture-bounds\.spec\.ts/
const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update']
  }
}

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
      testIgnore: [/electron\.spec\.ts/, FLOODS],
      use: chromium
    },
    // A flood of 600,000 datagrams starves every other capture on two cores (their dumpcaps drop
    // packets): it runs alone, after the rest.
    { name: 'flood', testMatch: FLOODS, dependencies: ['browser'], use: chromium },
    { name: 'electron', testMatch: /electron\.spec\.ts/ }
  ]
})
