// The Italian quick start's pictures (README.it.md, docs/it/*.png): the same scenes as the README's
// (readme-screenshot.spec.ts), in a window opened with ?lang=it, plus the HTTP lab with the sample
// site's Italian page. It binds the course's fixed ports, so it runs only when asked
// (SOCKLAB_README_SHOT=1 npx playwright test e2e/readme-shots-it.spec.ts --project=browser) and
// stops, saying why, if a port is taken. It waits on what the window shows as data (rows, bytes,
// status lines), never on its words, so it does not depend on the Italian catalog's wording.

import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { clientConsole, consoleText, expect, logRows, ROOT, sendFromClient, startServer, test } from './fixtures'

const COURSE_PORT = 12000
const HTTP_PORT = 8080
const DOCS_IT = path.join(ROOT, 'docs', 'it')
const asked = process.env.SOCKLAB_README_SHOT === '1'
test.skip(!asked, 'makes the Italian README pictures in docs/it/ on the course ports 12000 and 8080: run with SOCKLAB_README_SHOT=1')

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer()
    s.once('error', () => resolve(false))
    s.listen({ host: '0.0.0.0', port }, () => s.close(() => resolve(true)))
  })
}

/** The lab window in Italian, as an Italian student's browser opens it. */
async function openItalian(page: Page, url: string): Promise<void> {
  const u = new URL(url)
  u.searchParams.set('lang', 'it')
  await page.goto(u.toString())
  await expect(page.locator('html')).toHaveAttribute('lang', 'it')
  await expect(page.getByTestId('lab-tcp')).toBeVisible()
}

async function shotIt(page: Page, name: string): Promise<void> {
  fs.mkdirSync(DOCS_IT, { recursive: true })
  await page.screenshot({ path: path.join(DOCS_IT, name) })
}

async function stopServer(page: Page): Promise<void> {
  await page.getByTestId('server-stop').click()
  await expect(page.getByTestId('server-start')).toBeEnabled()
}

test('README.it screenshot: the TCP lab on port 12000, in Italian', async ({ page, host }) => {
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  await openItalian(page, host.url)
  await startServer(page, COURSE_PORT)
  await expect(page.getByTestId('client-port')).toHaveValue(String(COURSE_PORT))
  await sendFromClient(page, 'hello world')
  await expect.poll(() => consoleText(clientConsole(page))).toContain('Received reply <HELLO WORLD>')
  await expect.poll(async () => (await logRows(page)).filter((r) => r[6].startsWith('CLOSE')).length).toBe(2)
  await page.getByTestId('log-row').filter({ hasText: 'SEND' }).first().click()
  await expect(page.getByTestId('log-hex')).toContainText('hello world')
  await shotIt(page, 'main-window.png')
  await stopServer(page)
})

test('README.it screenshots: the wire view, the ladder and the sockets of one exchange on port 12000, in Italian', async ({ page, host }) => {
  test.setTimeout(90_000)
  expect(await portIsFree(COURSE_PORT), `port ${COURSE_PORT} is in use: stop what holds it and run again`).toBe(true)
  await openItalian(page, host.url)
  // A taller lower half, as a student drags it to read a ladder.
  await page.evaluate(() => localStorage.setItem('socklab.logSize', '0.62'))
  await page.reload()
  await page.getByTestId('view-wire').click()
  await startServer(page, COURSE_PORT)
  await sendFromClient(page, 'hello world')
  await expect.poll(() => consoleText(clientConsole(page))).toContain('Received reply <HELLO WORLD>')
  // The course's exchange: handshake, data both ways, a FIN from each side and the last ACK.
  await expect.poll(() => page.getByTestId('wire-row').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(10)
  await page.getByTestId('wire-row').filter({ hasText: 'len=11' }).first().click()
  await shotIt(page, 'wire-view.png')
  await page.getByTestId('view-ladder').click()
  await page.getByTestId('ladder-arrow').filter({ hasText: 'len=11' }).first().click()
  await shotIt(page, 'ladder.png')
  await page.getByTestId('view-sockets').click()
  await expect(page.locator('[data-testid=kernel-socket][data-state=TIME_WAIT]').first()).toBeVisible({ timeout: 10_000 })
  await shotIt(page, 'sockets.png')
  await stopServer(page)
})

test('README.it screenshot: the HTTP lab on port 8080 serving the sample site in Italian', async ({ page, host }) => {
  expect(await portIsFree(HTTP_PORT), `port ${HTTP_PORT} is in use: stop what holds it and run again`).toBe(true)
  await openItalian(page, host.url)
  await page.getByTestId('lab-http').click()
  await expect(page.getByTestId('server-root')).toHaveValue(/sample-site[/\\]it$/)
  await startServer(page, HTTP_PORT)
  await page.getByTestId('client-send').click()
  await expect.poll(() => consoleText(clientConsole(page))).toContain('Ciao dal server HTTP di socklab')
  await page.getByTestId('log-row').filter({ hasText: 'SEND' }).last().click()
  await shotIt(page, 'http-lab.png')
  await stopServer(page)
})
