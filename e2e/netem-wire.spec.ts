// Real TCP retransmissions in the Wire view: the browser host, its capture and the browser itself
// run inside a network namespace of the test's own (test/netem-namespace.ts), whose loopback loses
// every third data segment on the lab's port after the capture saw it. A 60,000-character sentence
// from the TCP client and its reply lose a segment; the kernel sends it again, and the Wire view
// names that row "retransmission of seq N", the seq marked as data, in English and in Italian. Skipped, saying
// why, where the namespace or the capture is impossible (not root, no `ip` or `iptables`).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { chromium, type Browser, type Page } from '@playwright/test'
import { captureSkipReason } from '../test/helpers/capture'
import { makeNamespace, namespaces, namespaceSkipReason, type Namespace } from '../test/netem-namespace'
import { clientConsole, consoleText, expect, ROOT, shot, startServer, test } from './fixtures'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SENTENCE = 'abcdefghij'.repeat(6000)

let ns: Namespace | undefined
let host: ChildProcess | undefined
let browser: Browser | undefined
let dir = ''
let url = ''

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  const skip = namespaceSkipReason() ?? (await captureSkipReason())
  test.skip(skip !== null, skip ?? '')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-netem-e2e-'))
  ns = makeNamespace()
  // The host inside the namespace, as a user starts it; its capture (dumpcap, tshark) runs there too.
  host = spawn('ip', ns.exec(process.execPath, [path.join(ROOT, 'bin', 'socklab.js'), 'web', '-p', '0', '--no-open']), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config') }
  })
  let out = ''
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socklab web printed no address:\n${out}`)), 20_000)
    host!.stdout!.on('data', (d) => {
      out += d
      const m = / (http:\/\/\S+)\n/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    host!.stderr!.on('data', (d) => (out += d))
    host!.once('exit', (code) => reject(new Error(`socklab web exited with ${code}:\n${out}`)))
  })
  // The browser inside the namespace too: the host's address is on the namespace's loopback.
  // Playwright talks to it through a pipe, which `ip netns exec` passes on.
  const wrapper = path.join(dir, 'chromium-in-namespace')
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns.name} ${CHROMIUM} "$@"\n`, { mode: 0o755 })
  browser = await chromium.launch({ executablePath: wrapper, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] })
})

test.afterAll(async () => {
  await browser?.close()
  if (host && host.exitCode === null) {
    host.kill('SIGTERM')
    await new Promise((r) => host!.once('exit', r))
  }
  const name = ns?.name
  ns?.remove()
  if (name) expect(namespaces()).not.toContain(name)
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** Wire rows as cells: [No., Time, Source, Destination, Protocol, Flags, Seq/Ack, Window, Length, What it is]. */
async function wireRows(page: Page): Promise<string[][]> {
  return page.getByTestId('wire-row').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '')))
}

for (const lang of ['en', 'it'] as const) {
  test(`a lost segment and its retransmission in the Wire view (${lang})`, async () => {
    test.setTimeout(120_000)
    const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } })
    try {
      await page.goto(`${url}&lang=${lang}`)
      await expect(page.locator('html')).toHaveAttribute('lang', lang)
      await page.getByTestId('view-wire').click()
      const port = lang === 'en' ? 12000 : 12001
      // The first data segment on the lab's port is lost, then every third: the sentence's first and the
      // reply's first. The server's recv() and the client's wait for them, so each kernel sends its own again.
      ns!.dropEvery(3, [port])
      // The server reads the whole sentence in its one recv() (the course's 1024 would reset the connection).
      // The host is shared by both languages' windows: the other's server stops first.
      if (await page.getByTestId('server-stop').isVisible()) await page.getByTestId('server-stop').click()
      await page.getByTestId('server-recv-size').fill('65536')
      await startServer(page, port)
      await expect(page.getByTestId('capture-status')).toContainText(String(port), { timeout: 30_000 })
      await page.getByTestId('client-input').fill(SENTENCE)
      await page.getByTestId('client-send').click()
      // The course exchange completes: TCP hid the loss from the programs.
      await expect.poll(() => consoleText(clientConsole(page)), { timeout: 30_000 }).toContain('Received reply <ABCDEFGHIJ')
      const words = lang === 'en' ? /^retransmission of seq (\d+)$/ : /^ritrasmissione di seq (\d+)$/
      // The whole wire: every row of the exchange on screen (the view draws only the rows it shows).
      await page.getByTestId('wire-whole').click()
      await expect(page.getByTestId('wire-whole')).toHaveAttribute('aria-pressed', 'true')
      // The last ACK or the client's RST ends the exchange on the wire.
      await expect.poll(async () => (await wireRows(page)).some((r) => r[5].includes('RST') || /ACK/.test(r[9])), { timeout: 20_000 }).toBe(true)
      let rows: string[][] = []
      for (const until = Date.now() + 20_000; Date.now() < until; await page.waitForTimeout(250)) {
        rows = await wireRows(page)
        if (rows.some((r) => words.test(r[9]))) break
      }
      if (!rows.some((r) => words.test(r[9]))) {
        await shot(page, `netem-retransmission-${lang}-failed`)
        throw new Error(`no retransmission in the Wire view:\n${rows.map((r) => r.join(' | ')).join('\n')}`)
      }
      expect(rows.length).toBe(Number(await page.getByTestId('wire-body').getAttribute('aria-rowcount')) - 1)
      const again = rows.filter((r) => words.test(r[9]))
      for (const row of again) {
        const seq = words.exec(row[9])![1]
        // Its first copy is an earlier row: same source, same seq, no words of its own.
        // (a copy carries bytes: the handshake's last ACK has the same seq and none)
        const first = rows.find((r) => r !== row && r[2] === row[2] && r[6].startsWith(`seq=${seq} `) && !/^len=0\b/.test(r[8]))
        expect(first, `the first copy of seq ${seq}`).toBeDefined()
        expect(rows.indexOf(first!)).toBeLessThan(rows.indexOf(row))
        expect(first![9]).toBe('')
      }
      // The seq is data within the words (the pseudo-locale check exempts it); the row is marked apart.
      const cell = page.locator('[data-testid=wire-row] .c-what[data-analysis=retransmission]').first()
      await expect(cell.locator('span[translate=no]')).toHaveText(/^\d+$/)
      await shot(page, `netem-retransmission-${lang}`)
      // A projector: 1920×1080 at 200%, the words whole (two lines a row). The retransmission selected,
      // and the selection moved off and back with the arrow keys, which brings it into view.
      const no = await cell.locator('xpath=..').getAttribute('data-no')
      await page.keyboard.press('Escape')
      await expect(page.getByTestId('wire-whole')).toHaveAttribute('aria-pressed', 'false')
      await page.setViewportSize({ width: 1920, height: 1080 })
      for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== '200%'; i++) await page.getByTestId('zoom-in').click()
      await expect(page.getByTestId('zoom-reset')).toHaveText('200%')
      await page.getByTestId('wire-whole').click()
      await expect(page.getByTestId('wire-whole')).toHaveAttribute('aria-pressed', 'true')
      // Down the rows with the keyboard, from the first to the retransmission.
      const index = rows.findIndex((r) => r[0] === no)
      for (let i = 0; i <= index; i++) await page.getByTestId('wire-body').press('ArrowDown')
      const selected = page.locator(`[data-testid=wire-row][data-no="${no}"]`)
      await expect(selected).toHaveAttribute('aria-selected', 'true')
      await expect(selected).toBeInViewport({ ratio: 1 })
      await expect(selected.locator('.c-what')).toHaveText(words)
      await shot(page, `netem-retransmission-${lang}-200`)
      await page.keyboard.press('Escape')
      await expect(page.getByTestId('wire-whole')).toHaveAttribute('aria-pressed', 'false')
    } finally {
      await page.close()
    }
  })
}
