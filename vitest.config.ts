import path from 'node:path'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: a few files at a time keeps socket timing honest without serialising everything.
    // test/lab-capture-cost.test.ts floods loopback: `npm run test:unit` runs it alone, after the rest,
    // since every other capture's dumpcap drops packets while it runs.
    maxWorkers: 2,
    // The tests' socklab reads no setting this user saved in a window (the language above all).
    env: { XDG_CONFIG_HOME: path.join(__dirname, 'node_modules', '.cache', 'socklab-test-config') }
  }
})
