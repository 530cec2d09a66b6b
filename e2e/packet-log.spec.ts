// The packet log as a student reads it: it follows new rows, finds bytes, names endpoints as the
// tabs do, shows a whole payload, clears for good, and keeps its toolbar on one line.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { clientConsole, connectedAndQueued, consoleText, exchange, expect, freePort, logRows, logViewport, sendFromClient, shot, startServer, test } from './fixtures'

/** The Endpoint filter's entries as the student reads them. */
const filterOptions = async (page: Page): Promise<string[]> => (await page.getByTestId('log-filter-endpoint').locator('option').allTextContents()).map((t) => t.trim())

test('the log follows new rows at the bottom; scrolled up it stays put and offers "newest ↓"', async ({ lab }) => {
  await startServer(lab, await freePort())
  // Enough exchanges to fill the log's height several times over.
  for (let i = 1; i <= 4; i++) {
    await exchange(lab, `follow ${i}`)
    await expect.poll(async () => (await logViewport(lab)).newestVisible, { message: `newest row on screen after exchange ${i}` }).toBe(true)
  }
  const filled = await logViewport(lab)
  expect(filled.total).toBeGreaterThan(2 * filled.fullRows)
  await expect(lab.getByTestId('log-newest')).toHaveCount(0)

  // The student scrolls up to read: new rows must not pull the view away.
  const body = lab.getByTestId('log-body')
  await body.hover()
  await lab.mouse.wheel(0, -400)
  await expect.poll(async () => (await logViewport(lab)).newestVisible).toBe(false)
  const reading = (await logViewport(lab)).scrollTop
  await exchange(lab, 'while reading')
  await expect.poll(async () => (await logViewport(lab)).total).toBeGreaterThan(filled.total + 5)
  expect((await logViewport(lab)).scrollTop).toBe(reading)
  await expect(lab.getByTestId('log-newest')).toBeVisible()

  // "newest ↓" goes back to the bottom and follows again.
  await lab.getByTestId('log-newest').click()
  await expect.poll(async () => (await logViewport(lab)).newestVisible).toBe(true)
  await expect(lab.getByTestId('log-newest')).toHaveCount(0)
  const before = (await logViewport(lab)).total
  await exchange(lab, 'following again')
  await expect.poll(async () => (await logViewport(lab)).total).toBeGreaterThan(before + 5)
  await expect.poll(async () => (await logViewport(lab)).newestVisible).toBe(true)
})

test('Find searches the bytes of each row, as text or as hex, not only its summary', async ({ lab }) => {
  await startServer(lab, await freePort())
  await exchange(lab, 'needle in a payload')
  await exchange(lab, 'something else')
  await lab.getByTestId('log-filter-text').fill('needle in')
  // The client's write and the server's read, and (case-blind) the upper-cased reply both ways.
  await expect.poll(async () => (await logRows(lab)).map((r) => r[6].split(' ')[0])).toEqual(['SEND', 'RECV', 'SEND', 'RECV'])
  await lab.getByTestId('log-filter-text').fill('SOMETHING ELSE')
  await expect(lab.getByTestId('log-row')).toHaveCount(4)
  // Bytes as the hex pane shows them: "needle" in lower case is only in the client's write and the server's read.
  await lab.getByTestId('log-filter-text').fill('6e 65 65 64 6c 65')
  await expect.poll(async () => (await logRows(lab)).map((r) => r[6].split(' ')[0])).toEqual(['SEND', 'RECV'])
  await lab.getByTestId('log-filter-text').fill('0x4e4545444c45')
  await expect.poll(async () => (await logRows(lab)).map((r) => r[6].split(' ')[0])).toEqual(['SEND', 'RECV'])
  await lab.getByTestId('log-filter-text').fill('not sent by anyone')
  await expect(lab.getByTestId('log-row')).toHaveCount(0)
})

test('the details pane shows the whole payload of a row, so a student sees where recv(1500) cut the page', async ({ lab }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-page-'))
  // A 40 KB page whose lines say where they are, and a last line that says it is the last.
  const page = Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, '0')} of the page.................`).join('\n') + '\nTHE-LAST-LINE\n'
  fs.writeFileSync(path.join(dir, 'long.txt'), page)
  try {
    await lab.getByTestId('lab-http').click()
    await lab.getByTestId('server-root').fill(dir)
    const port = await freePort()
    await startServer(lab, port)

    // The course's single recv(1500): the read row holds all 1500 bytes, and its text stops mid-page.
    await lab.getByTestId('client-recv-once').check()
    await lab.getByTestId('client-input').fill(`http://127.0.0.1:${port}/long.txt`)
    await lab.getByTestId('client-send').click()
    await expect.poll(() => consoleText(clientConsole(lab))).toContain('Reply read in')
    const read = lab.getByTestId('log-row').filter({ hasText: 'HTTP/1.1 200 OK' }).filter({ hasText: 'RECV' })
    await read.click()
    await expect(lab.getByTestId('log-payload-note')).toHaveText('(all 1,500 bytes)')
    const hex = (await lab.getByTestId('log-hex').textContent())!.split('\n')
    expect(hex.length).toBe(Math.ceil(1500 / 16))
    expect(hex.at(-1)).toMatch(/^05d0 {2}/)
    await lab.getByTestId('log-show-text').click()
    const text = (await lab.getByTestId('log-text').textContent())!
    expect(text).toMatch(/^HTTP\/1.1 200 OK\r?\n/)
    const body = text.slice(text.indexOf('line 0000'))
    expect(page.startsWith(body)).toBe(true)
    expect(body.length).toBeGreaterThan(1000)

    // The server's reply row carries the whole 40 KB page (under the 64 KiB cap), last line included.
    const reply = lab.getByTestId('log-row').filter({ hasText: 'SEND' }).filter({ hasText: 'HTTP 200' })
    await reply.click()
    await expect(lab.getByTestId('log-payload-note')).toHaveText(/^\(all [\d,]+ bytes\)$/)
    await expect(lab.getByTestId('log-text')).toContainText('THE-LAST-LINE')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('the log and its Endpoint filter name endpoints as the tabs do, with their lab, in every lab', async ({ lab }) => {
  await startServer(lab, await freePort())
  await exchange(lab, 'from one')
  await lab.getByTestId('client-new').click()
  await exchange(lab, 'from two')
  const filter = lab.getByTestId('log-filter-endpoint')
  await expect.poll(() => filterOptions(lab)).toEqual(['All endpoints', 'TCP Server', 'TCP Client 1', 'TCP Client 2'])
  expect(await filter.locator('optgroup').getAttribute('label')).toBe('TCP lab')

  // Only Client 2's rows: the write of "from two" and the reply it read.
  await filter.selectOption({ label: 'TCP Client 2' })
  const rows = await logRows(lab)
  expect(rows.filter((r) => r[6].startsWith('SEND')).map((r) => r[5])).toEqual(['8'])
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).click()
  await expect(lab.getByTestId('log-details')).toContainText('TCP Client 2 · send')
  await expect(lab.getByTestId('log-details')).not.toContainText('tcp-client-')

  // In the UDP lab the TCP entries still say TCP, and the UDP server's say UDP, each in its lab's group.
  await filter.selectOption('all')
  await lab.getByTestId('lab-udp').click()
  await startServer(lab, await freePort())
  await expect.poll(() => filterOptions(lab)).toEqual(['All endpoints', 'TCP Server', 'TCP Client 1', 'TCP Client 2', 'UDP Server'])
  expect(await filter.locator('optgroup').evaluateAll((groups) => groups.map((g) => g.getAttribute('label')))).toEqual(['TCP lab', 'UDP lab'])
})

test('an ended endpoint stays in the Endpoint filter, marked, while it has rows: also after a reload, until Clear', async ({ lab }) => {
  test.setTimeout(60_000)
  // Client 2 waits behind Client 1 for a server that never answers it, and is cancelled.
  await connectedAndQueued(lab, 'cancelled one')
  await lab.getByTestId('client-cancel').click()
  await expect(lab.getByTestId('client-status')).toContainText('cancelled')
  await expect.poll(() => filterOptions(lab)).toEqual(['All endpoints', 'TCP Server', 'TCP Client 1', 'TCP Client 2 (ended)'])

  // Its rows can be looked at on their own.
  const filter = lab.getByTestId('log-filter-endpoint')
  await filter.selectOption({ label: 'TCP Client 2 (ended)' })
  await expect.poll(async () => (await logRows(lab)).some((r) => r[6].startsWith('SEND'))).toBe(true)
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).click()
  await expect(lab.getByTestId('log-details')).toContainText('TCP Client 2 · send')

  // A third client and a stopped server: no gap in the names, the server marked too.
  await filter.selectOption('all')
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-connect').click()
  await expect.poll(() => filterOptions(lab)).toContain('TCP Client 3')
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
  const ended = ['All endpoints', 'TCP Server (ended)', 'TCP Client 1', 'TCP Client 2 (ended)', 'TCP Client 3']
  await expect.poll(() => filterOptions(lab)).toEqual(ended)

  // A reload, or a second window, lists them the same.
  await lab.reload()
  await expect(lab.getByTestId('client-tab-3')).toBeVisible()
  await expect.poll(() => filterOptions(lab)).toEqual(ended)
  const second = await lab.context().newPage()
  await second.goto(lab.url())
  await expect.poll(() => filterOptions(second)).toEqual(ended)
  await second.close()

  // Clear takes their rows away, and so their entries.
  await lab.getByTestId('log-clear').click()
  await expect.poll(() => filterOptions(lab)).toEqual(['All endpoints'])
})

test('Clear clears for good: no "older dropped", and a reload does not bring the rows back', async ({ lab }) => {
  await startServer(lab, await freePort())
  await exchange(lab, 'before clear')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('CLOSE')).length).toBe(2)
  const cleared = Math.max(...(await logRows(lab)).map((r) => Number(r[0])))
  await lab.getByTestId('log-clear').click()
  await expect(lab.getByTestId('log-count')).toHaveText('0 events')

  await exchange(lab, 'after clear')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('CLOSE')).length).toBe(2)
  const kept = (await logRows(lab)).map((r) => r[0])
  expect(Math.min(...kept.map(Number))).toBeGreaterThan(cleared)
  await expect(lab.getByTestId('log-count')).toHaveText(`${kept.length} events`)

  await lab.reload()
  await expect(lab.getByTestId('server-status')).toContainText('listening')
  await expect.poll(async () => (await logRows(lab)).map((r) => r[0])).toEqual(kept)
  await expect(lab.getByTestId('log-count')).toHaveText(`${kept.length} events`)
  // The consoles are not the log: they keep what they printed.
  expect(await consoleText(clientConsole(lab))).toContain('Received reply <BEFORE CLEAR>')
})

test('the log toolbar stays on one line at 1280 px, with long names, a pause count and exports', async ({ lab }) => {
  await lab.setViewportSize({ width: 1280, height: 800 })
  await startServer(lab, await freePort())
  await exchange(lab, 'one')
  await lab.getByTestId('client-new').click()
  await exchange(lab, 'two')
  await lab.getByTestId('log-pause').click()
  await sendFromClient(lab, 'while paused')
  await expect(lab.getByTestId('log-count')).toContainText('paused')
  const tops = await lab.locator('.log-bar > *').evaluateAll((els) =>
    els.filter((el) => getComputedStyle(el).position !== 'absolute').map((el) => {
      const r = el.getBoundingClientRect()
      return Math.round(r.top + r.height / 2)
    })
  )
  expect(tops.length).toBeGreaterThan(6)
  expect(Math.max(...tops) - Math.min(...tops), `toolbar items on one line: ${tops}`).toBeLessThanOrEqual(3)
  const bar = (await lab.locator('.log-bar').boundingBox())!
  const button = (await lab.getByTestId('log-pause').boundingBox())!
  expect(bar.height).toBeLessThan(button.height * 1.6)
})

test.describe('in Italian', () => {
  test.use({ lang: 'it' })

  test('at 1920×1080 a long summary in the details pane ends in an ellipsis (the whole of it on hover) and Hex / Testo stays on screen', async ({ lab }) => {
    await lab.setViewportSize({ width: 1920, height: 1080 })
    await startServer(lab, await freePort())
    await exchange(lab, 'a sentence long enough')
    for (const zoom of ['100%', '200%']) {
      await lab.getByTestId('zoom-reset').click()
      for (let i = 0; i < 8 && (await lab.getByTestId('zoom-reset').textContent()) !== zoom; i++) await lab.getByTestId('zoom-in').click()
      await expect(lab.getByTestId('zoom-reset')).toHaveText(zoom)
      const send = lab.getByTestId('log-row').filter({ hasText: 'SEND' }).first()
      await send.click()
      await expect(lab.getByTestId('log-show-text')).toBeVisible()
      const width = await lab.evaluate(() => document.documentElement.clientWidth)
      for (const id of ['log-show-hex', 'log-show-text']) {
        const box = (await lab.getByTestId(id).boundingBox())!
        expect(box.x + box.width, `${id} at ${zoom}`).toBeLessThanOrEqual(width)
      }
      const summary = lab.getByTestId('log-details').locator('.details-head p')
      const fit = await summary.evaluate((p) => ({ cut: p.scrollWidth > p.clientWidth, right: p.getBoundingClientRect().right, title: p.getAttribute('title') ?? '' }))
      expect(fit.right).toBeLessThanOrEqual(width)
      expect(fit.title, 'the whole summary on hover').toMatch(/send/i)
      await shot(lab, `log-details-it-1920-${zoom.replace('%', '')}`)
    }
  })
})
