// Sums the test counts that vitest and Playwright printed into one line: `N passed, N failed, N skipped`.

import fs from 'node:fs'

// eslint-disable-next-line no-control-regex
const text = fs.readFileSync(process.argv[2], 'utf8').replace(/\x1b\[[0-9;]*m/g, '')
let passed = 0
let failed = 0
let skipped = 0
for (const line of text.split('\n')) {
  // vitest: "      Tests  3 failed | 120 passed | 2 skipped (125)"
  const vitest = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line)
  if (vitest) {
    for (const [, n, what] of vitest[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
      if (what === 'passed') passed += Number(n)
      else if (what === 'failed') failed += Number(n)
      else skipped += Number(n)
    }
    continue
  }
  // Playwright: "  12 passed (30.1s)", "  1 failed", "  2 skipped", "  1 flaky"
  const pw = /^\s+(\d+) (passed|failed|skipped|flaky|did not run)\b/.exec(line)
  if (pw) {
    const n = Number(pw[1])
    if (pw[2] === 'passed' || pw[2] === 'flaky') passed += n
    else if (pw[2] === 'failed') failed += n
    else skipped += n
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`)
