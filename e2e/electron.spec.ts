// The desktop app itself: start-up and one TCP exchange. Runs where the Electron binary is
// installed (npm start fetches it); elsewhere it is skipped, and says why.

import fs from 'node:fs'
import path from 'node:path'
import { _electron as electron, expect, test } from '@playwright/test'
import { freePort } from './fixtures'

const ROOT = path.resolve(__dirname, '..')

/** The Electron executable, found as the electron package finds it (path.txt, or ELECTRON_OVERRIDE_DIST_PATH). */
function electronBinary(): string | null {
  const pkg = path.join(ROOT, 'node_modules', 'electron')
  const name = fs.existsSync(path.join(pkg, 'path.txt')) ? fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8') : 'electron'
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkg, 'dist')
  const file = path.join(dist, name)
  return fs.existsSync(file) ? file : null
}

const binary = electronBinary()
const reason = 'Electron binary not installed (node_modules/electron/dist is missing; npm start fetches it where GitHub is reachable)'
if (!binary) console.log(`electron.spec.ts skipped: ${reason}`)

test.skip(!binary, reason)

test('the desktop app starts, and its TCP lab upper-cases a sentence', async () => {
  const app = await electron.launch({ executablePath: binary!, args: [ROOT, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])] })
  try {
    const window = await app.firstWindow()
    await expect(window.getByTestId('host-info')).toContainText('desktop app')
    // The window is locked down: no Node in the page, the preload's verbs only.
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined')
    await window.getByTestId('server-port').fill(String(await freePort()))
    await window.getByTestId('server-start').click()
    await expect(window.getByTestId('server-status')).toContainText('listening')
    const port = (await window.getByTestId('server-status').textContent())!.split(':').pop()!
    await window.getByTestId('client-port').fill(port)
    await window.getByTestId('client-input').fill('hello world')
    await window.getByTestId('client-send').click()
    await expect(window.getByTestId('client-panel').locator('.xterm-rows')).toContainText('Received reply <HELLO WORLD>')
  } finally {
    await app.close()
  }
})
