// The window's language (issue 16): an Italian browser opens in Italian without a click; IT / EN in
// the header switches every word at once with nothing lost (running servers, the consoles, the
// selected row); the choice survives a reload and a new run of the host (another port, so another
// origin: the host keeps it in the user's settings file, not the page's localStorage).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import en from '../src/shared/i18n/locales/en/common.json'
import it from '../src/shared/i18n/locales/it/common.json'
import { clientConsole, consoleText, exchange, expect, freePort, logRows, serverConsole, startHost, startServer, test } from './fixtures'

/** Labels that are words in every lab (tabs, buttons): they must differ between the two languages. */
const LABELS = ['view-log', 'view-wire', 'view-ladder', 'view-sockets', 'server-start', 'server-stop', 'client-send', 'log-clear']

async function opened(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await expect(page.getByTestId('host-info')).toBeVisible()
}

/** The words of those of LABELS the window shows now (Start or Stop), by test id. */
async function labels(page: Page): Promise<string[]> {
  const out: string[] = []
  for (const id of LABELS) if (await page.getByTestId(id).first().isVisible()) out.push(`${id}: ${((await page.getByTestId(id).first().textContent()) ?? '').trim()}`)
  return out
}

async function speaks(page: Page, lang: 'en' | 'it'): Promise<void> {
  const other = lang === 'en' ? 'it' : 'en'
  await expect(page.locator('html')).toHaveAttribute('lang', lang)
  await expect(page.getByTestId(`lang-${lang}`)).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId(`lang-${other}`)).toHaveAttribute('aria-pressed', 'false')
  await expect(page.getByRole('group', { name: (lang === 'en' ? en : it).language.label })).toBeVisible()
}

test.describe('an Italian browser', () => {
  test.use({ locale: 'it-IT' })

  test('opens in Italian without a click, and its labels are not the English ones', async ({ page, host }) => {
    await opened(page, host.url)
    await speaks(page, 'it')
    const italian = await labels(page)
    await page.getByTestId('lang-en').click()
    await speaks(page, 'en')
    const english = await labels(page)
    const same = italian.filter((label) => english.includes(label))
    expect(same, `labels that read the same in Italian and English:\n${same.join('\n')}`).toEqual([])
  })
})

test('switching to English and back loses nothing, and the choice outlives a reload and a new run of the host', async ({ page }) => {
  test.setTimeout(90_000)
  // One user, two runs of the host: the same config folder, a new port each time.
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-e2e-user-'))
  const first = await startHost({ XDG_CONFIG_HOME: config })
  try {
    await opened(page, first.url)
    await speaks(page, 'en')
    const port = await freePort()
    await startServer(page, port)
    await exchange(page, 'ciao mondo')
    const sent = page.getByTestId('log-row').filter({ hasText: 'SEND' }).first()
    await sent.click()
    await expect(sent).toHaveAttribute('aria-selected', 'true')
    const selectedNo = (await sent.locator('[role=gridcell]').first().textContent())!.trim()
    const rowsBefore = (await logRows(page)).length
    const course = ['Received reply <CIAO MONDO>']

    const unchanged = async (): Promise<void> => {
      // The server still runs on its port, and the client's console still holds the exchange.
      await expect(page.getByTestId('server-stop')).toBeEnabled()
      await expect(page.getByTestId('server-status')).toContainText(`:${port}`)
      for (const line of course) expect(await consoleText(clientConsole(page))).toContain(line)
      expect(await consoleText(serverConsole(page))).toMatch(new RegExp(`Server waiting on \\(0\\.0\\.0\\.0, ${port}\\)[^]*Received request from[^]*Sent reply to`))
      // The same row, still selected, and no row lost.
      const selected = page.locator('[data-testid=log-row][aria-selected=true]')
      await expect(selected).toHaveCount(1)
      await expect(selected.locator('[role=gridcell]').first()).toHaveText(selectedNo)
      expect((await logRows(page)).length).toBeGreaterThanOrEqual(rowsBefore)
      await expect(page.getByTestId('log-details')).toBeVisible()
    }

    const english = await labels(page)
    await page.getByTestId('lang-it').click()
    await speaks(page, 'it')
    await unchanged()
    expect(await labels(page)).not.toEqual(english)
    await page.getByTestId('lang-en').click()
    await speaks(page, 'en')
    await unchanged()
    expect(await labels(page)).toEqual(english)
    await page.getByTestId('lang-it').click()
    await speaks(page, 'it')
    await unchanged()

    // A reload keeps Italian (the browser itself asks for English).
    await page.reload()
    await expect(page.getByTestId('host-info')).toBeVisible()
    await speaks(page, 'it')
    await expect(page.getByTestId('server-status')).toContainText(`:${port}`)
  } finally {
    first.child.kill('SIGTERM')
  }
  await new Promise((resolve) => (first.child.exitCode !== null ? resolve(null) : first.child.once('exit', resolve)))

  // A new run of the host: another port, so another origin with an empty localStorage.
  const second = await startHost({ XDG_CONFIG_HOME: config })
  try {
    expect(new URL(second.url).port).not.toBe(new URL(first.url).port)
    await opened(page, second.url)
    await speaks(page, 'it')
    expect(JSON.parse(fs.readFileSync(path.join(config, 'socklab', 'settings.json'), 'utf8'))).toEqual({ language: 'it' })
    await page.getByTestId('lang-en').click()
    await speaks(page, 'en')
    await expect.poll(() => JSON.parse(fs.readFileSync(path.join(config, 'socklab', 'settings.json'), 'utf8')).language).toBe('en')
  } finally {
    second.child.kill('SIGTERM')
    fs.rmSync(config, { recursive: true, force: true })
  }
})
