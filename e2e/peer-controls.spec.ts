// A peer's bytes are shown in the console, never obeyed: a reply made of a terminal's control
// sequences (erase the line, move the cursor up, clear the screen, set the title) leaves the
// lines the console showed as they were, "Received reply" included, and shows its escapes as
// visible characters, before and after a reload (which replays the lines).

import path from 'node:path'
import type { Page } from '@playwright/test'
import { clientConsole, consoleText, expect, sendFromClient, shot, test } from './fixtures'
import { ROOT, start } from '../test/helpers/processes'

/** The reply as the console must show it: each control character as Python's repr() writes it (ESC as \x1b, a lone CR as \r, BEL as \x07, the 8-bit CSI as \x9b). */
const SHOWN = 'Received reply <ok\\x1b[2K\\r\\x1b[1A\\x1b[2K\\x1b[2A\\x1b[1;1Hforged line\\x1b]0;owned\\x07\\x1b[2J\\x1b[H\\x9b2Kend>'

async function expectIntact(page: Page, port: number): Promise<void> {
  const text = await consoleText(clientConsole(page))
  // Every line the client printed is there, in order, each on its own line.
  const lines = text.split('\n').map((l) => l.trimEnd())
  const connected = lines.findIndex((l) => l.includes(`Connected to server at (127.0.0.1, ${port})`))
  const received = lines.findIndex((l) => l.includes(SHOWN))
  expect(connected, text).toBeGreaterThanOrEqual(0)
  expect(received, text).toBeGreaterThan(connected)
  expect(lines.some((l) => l.includes('Connection closed with server at')), text).toBe(true)
  // No line the reply could forge on its own line, at the top.
  expect(lines.filter((l) => l.startsWith('forged line')), text).toEqual([])
  // The window's title stays the app's.
  expect(await page.title()).not.toContain('owned')
}

test('a reply of control sequences is shown as visible escapes, and erases no line, also after a reload', async ({ lab }) => {
  test.setTimeout(60_000)
  const server = start('python3', ['-u', path.join(ROOT, 'test', 'fixtures', 'peers', 'control_reply_server.py')])
  try {
    const port = Number((await server.waitFor(/ready \d+/)).match(/ready (\d+)/)![1])
    await lab.getByTestId('client-port').fill(String(port))
    await sendFromClient(lab, 'hello')
    await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Connection closed with server at')
    await expectIntact(lab, port)
    // On screen too: the rows xterm draws hold the line, whole.
    await expect(clientConsole(lab).locator('.xterm-rows')).toContainText('Received reply <ok\\x1b[2K')
    await shot(lab, 'peer-controls')

    await lab.reload()
    await expect(lab.getByTestId('host-info')).toContainText('browser host')
    await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Connection closed with server at')
    await expectIntact(lab, port)
  } finally {
    await server.stop()
  }
})
