// A browser host per test (`socklab web -p 0`, as a user would start it) and helpers that act
// in the lab window the way a student does: fields, buttons, consoles, the packet log.

import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { freePort, ROOT } from '../test/helpers/processes'
import enLab from '../src/shared/i18n/locales/en/lab.json'
import itLab from '../src/shared/i18n/locales/it/lab.json'

export { ROOT }

export interface Host {
  url: string
  child: ChildProcess
}

/**
 * Starts `socklab web -p 0` as a user would, and resolves once it prints its address. Each host
 * gets a private config folder (XDG_CONFIG_HOME) unless `env` names one: what one test's window
 * saves for its user (the language) must not reach the next test, nor the tester's own settings.
 */
export async function startHost(env: Record<string, string> = {}): Promise<Host> {
  // Inside the run's own config folder (playwright.config.ts), not in /tmp: a host still running when
  // its worker ends never reaches the removal below, and its folder must not outlive the checkout.
  const parent = process.env.XDG_CONFIG_HOME ?? os.tmpdir()
  fs.mkdirSync(parent, { recursive: true })
  const config = env.XDG_CONFIG_HOME ?? fs.mkdtempSync(path.join(parent, 'socklab-e2e-config-'))
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'socklab.js'), 'web', '-p', '0', '--no-open'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, XDG_CONFIG_HOME: config }
  })
  if (env.XDG_CONFIG_HOME === undefined) child.once('exit', () => fs.rmSync(config, { recursive: true, force: true }))
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socklab web printed no address:\n${out}`)), 15_000)
    child.stdout!.on('data', (d) => {
      out += d
      // The address ends its line, in every language.
      const m = / (http:\/\/\S+)\n/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.stderr!.on('data', (d) => (out += d))
    child.once('exit', (code) => reject(new Error(`socklab web exited with ${code}:\n${out}`)))
  })
  return { url, child }
}

export const test = base.extend<{ lab: Page; host: Host; hostEnv: Record<string, string>; lang: 'en' | 'it' | undefined }>({
  /** Extra environment for the host (`test.use({ hostEnv: { SOCKLAB_WIRESHARK: ... } })`). */
  hostEnv: [{}, { option: true }],
  /** The window's language, as the address asks for it (`test.use({ lang: 'it' })`); by default the browser's (English here). */
  lang: [undefined, { option: true }],
  host: [
    async ({ hostEnv }, use) => {
      const host = await startHost(hostEnv)
      await use(host)
      host.child.kill('SIGTERM')
    },
    // One host per test: a test starts from an empty lab, as a student who just opened the app.
    { scope: 'test' }
  ],
  lab: async ({ page, host, lang }, use) => {
    await page.goto(lang ? `${host.url}&lang=${lang}` : host.url)
    await expect(page.getByTestId('host-info')).toContainText(lang === 'it' ? itLab.header.browser : enLab.header.browser)
    await use(page)
  }
})

export { expect }
/** A port that was free a moment ago: the same probe as the vitest suites use. */
export { freePort }


/** Everything an xterm console holds, scrollback included, as the student would read it. */
export async function consoleText(console: Locator): Promise<string> {
  const key = (await console.getAttribute('data-testid'))!.replace(/^console-/, '')
  return consoleTextOf(console.page(), key)
}

/** ... the same of console `key` ("http:client:1"), on screen or not. */
export function consoleTextOf(page: Page, key: string): Promise<string> {
  return page.evaluate((k) => (window as unknown as { __socklabConsoleText: (key: string) => string }).__socklabConsoleText(k), key)
}

export const serverConsole = (page: Page): Locator => page.getByTestId('server-panel').locator('.console')
export const clientConsole = (page: Page): Locator => page.getByTestId('client-panel').locator('.console')

export async function startServer(page: Page, port: number): Promise<void> {
  await page.getByTestId('server-port').fill(String(port))
  await page.getByTestId('server-start').click()
  try {
    await expect(page.getByTestId('server-status')).toContainText(`:${port}`)
  } catch (err) {
    // Say what the server console said (a port in use, say), not only "stopped".
    const said = await consoleText(serverConsole(page)).catch(() => '(the console could not be read)')
    throw new Error(`the server did not start on port ${port}; its console said:\n${said}\n${String(err)}`)
  }
}

export async function sendFromClient(page: Page, text: string): Promise<void> {
  await page.getByTestId('client-input').fill(text)
  await page.getByTestId('client-send').click()
}

/** Log rows as cells: [No., Time, Source, Destination, Protocol, Length, Info]. */
export async function logRows(page: Page): Promise<string[][]> {
  const rows = page.getByTestId('log-row')
  const n = await rows.count()
  const out: string[][] = []
  for (let i = 0; i < n; i++) out.push(await rows.nth(i).locator('[role=gridcell]').allTextContents())
  return out
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ROOT, 'e2e', 'screenshots', `${name}.png`) })
}

/** The text a console shows on screen now (its visible rows only, not its scrollback). */
export async function consoleScreen(console: Locator): Promise<string> {
  return console.locator('.xterm-rows').innerText()
}

/** Rows and columns a console shows (as xterm fitted it to its box). */
export async function consoleSize(console: Locator): Promise<{ rows: number; cols: number }> {
  const key = (await console.getAttribute('data-testid'))!.replace(/^console-/, '')
  return console.page().evaluate((k) => (window as unknown as { __socklabConsoleSize: (key: string) => { rows: number; cols: number } }).__socklabConsoleSize(k), key)
}

/**
 * The log's geometry as the student sees it: rows wholly on screen, rows partly hidden (under the
 * header, at the table's or the window's bottom edge), whether the newest and the selected row are
 * wholly on screen.
 */
export async function logViewport(page: Page): Promise<{ fullRows: number; cutRows: number; newestVisible: boolean; selectedVisible: boolean; total: number; scrollTop: number }> {
  return page.getByTestId('log-body').evaluate((body) => {
    const box = body.getBoundingClientRect()
    const bottom = Math.min(box.bottom, innerHeight)
    const head = body.querySelector('.log-row.head')!.getBoundingClientRect()
    const total = Number(body.getAttribute('aria-rowcount')) - 1
    let fullRows = 0
    let cutRows = 0
    let newestVisible = false
    let selectedVisible = false
    for (const row of body.querySelectorAll<HTMLElement>('[data-testid=log-row]')) {
      const r = row.getBoundingClientRect()
      const inView = r.top >= head.bottom - 1 && r.bottom <= bottom + 1
      if (inView) fullRows++
      else if (r.bottom > head.bottom + 1 && r.top < bottom - 1) cutRows++
      if (inView && Number(row.getAttribute('aria-rowindex')) === total + 1) newestVisible = true
      if (inView && row.getAttribute('aria-selected') === 'true') selectedVisible = true
    }
    return { fullRows, cutRows, newestVisible, selectedVisible, total, scrollTop: body.scrollTop }
  })
}

/** Sends a sentence from the active client tab and waits for its reply in the console. */
export async function exchange(page: Page, text: string): Promise<void> {
  await sendFromClient(page, text)
  await expect.poll(() => consoleText(clientConsole(page)), { timeout: 15_000 }).toContain(`Received reply <${text.toUpperCase()}>`)
}

/** An iterative TCP server with client 1 connected and client 2's sentence queued behind it. */
export async function connectedAndQueued(lab: Page, sentence = 'stuck'): Promise<void> {
  await startServer(lab, await freePort())
  await lab.getByTestId('client-connect').click()
  await expect(lab.getByTestId('client-close')).toBeVisible()
  await lab.getByTestId('client-new').click()
  await sendFromClient(lab, sentence)
  await expect(lab.getByTestId('client-status')).toContainText('waiting for the server')
  // The tab says "waiting" as soon as Send is pressed; the sentence is on the wire only once the host
  // has started client 2 and sent it (a reload before that is a reload before Send reached the host).
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('SEND')).length, { timeout: 15_000 }).toBe(1)
}

/**
 * A loaded machine: from here on, every batch of events reaches the window `ms` after the host sent
 * it, while replies come at once. Reloads the window, whose feed then goes through the delay.
 */
export async function eventsLate(page: Page, ms = 500): Promise<void> {
  await page.routeWebSocket(/\/lab\?/, (ws) => {
    const server = ws.connectToServer()
    server.onMessage((message) => {
      if (typeof message === 'string' && message.startsWith('{"events"')) setTimeout(() => ws.send(message), ms)
      else ws.send(message)
    })
  })
  await page.reload()
  await expect(page.getByTestId('host-info')).toContainText('browser host')
}
