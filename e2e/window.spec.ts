// The window as a whole: what a reload keeps, how it holds up on a small projector screen at a
// large zoom, and what it says on a machine without IPv6.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { clientConsole, consoleScreen, consoleSize, consoleText, exchange, expect, freePort, logRows, logViewport, sendFromClient, serverConsole, shot, startServer, test } from './fixtures'

test('a reload replays what the host still holds, once, and shows the running server', async ({ lab }) => {
  const port = await freePort()
  await startServer(lab, port)
  await sendFromClient(lab, 'before reload')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <BEFORE RELOAD>')
  await expect.poll(async () => (await logRows(lab)).filter((r) => r[6].startsWith('CLOSE')).length).toBe(2)
  const before = (await logRows(lab)).map((r) => r[0])

  await lab.reload()
  await expect(lab.getByTestId('server-status')).toHaveText(`listening on 0.0.0.0:${port}`)
  await expect.poll(async () => (await logRows(lab)).map((r) => r[0])).toEqual(before)
  await expect.poll(() => consoleText(serverConsole(lab))).toContain(`Sent reply to (127.0.0.1, `)
  expect(await consoleText(clientConsole(lab))).toContain('Received reply <BEFORE RELOAD>')

  // The lab goes on from there: the same server answers, and the stop button stops it.
  await sendFromClient(lab, 'after reload')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('Received reply <AFTER RELOAD>')
  const seqs = (await logRows(lab)).map((r) => Number(r[0]))
  expect(new Set(seqs).size).toBe(seqs.length)
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')
})

test('at 200% on a 1280×720 projector nothing overlaps; the splitter resizes the log and is remembered', async ({ lab }) => {
  await lab.setViewportSize({ width: 1280, height: 720 })
  for (let i = 0; i < 5; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
  const box = async (testId: string): Promise<{ top: number; bottom: number; height: number }> => {
    const b = (await lab.getByTestId(testId).boundingBox())!
    return { top: b.y, bottom: b.y + b.height, height: b.height }
  }
  for (const panel of ['client-panel', 'server-panel']) {
    expect((await box(panel)).bottom, `${panel} runs into the splitter`).toBeLessThanOrEqual((await box('log-splitter')).top + 1)
  }
  expect((await box('log-splitter')).bottom).toBeLessThanOrEqual((await box('packet-log')).top + 1)
  for (const c of [clientConsole(lab), serverConsole(lab)]) expect((await c.boundingBox())!.height).toBeGreaterThan(150)
  expect((await box('log-body')).height).toBeGreaterThan(100)
  await lab.getByTestId('zoom-reset').click()

  // Keyboard: the splitter is a focusable separator; each ArrowUp gives the log 5% more.
  const splitter = lab.getByTestId('log-splitter')
  await expect(splitter).toHaveAttribute('aria-valuenow', '42')
  const logBefore = (await box('packet-log')).height
  await splitter.focus()
  await lab.keyboard.press('ArrowUp')
  await lab.keyboard.press('ArrowUp')
  await expect(splitter).toHaveAttribute('aria-valuenow', '52')
  expect((await box('packet-log')).height).toBeGreaterThan(logBefore + 0.08 * 720)
  await lab.reload()
  await expect(lab.getByTestId('log-splitter')).toHaveAttribute('aria-valuenow', '52')
  // Dragging works too: pulled down to the bottom, the log keeps its smallest size.
  const s = (await lab.getByTestId('log-splitter').boundingBox())!
  await lab.mouse.move(s.x + s.width / 2, s.y + s.height / 2)
  await lab.mouse.down()
  await lab.mouse.move(s.x + s.width / 2, 715, { steps: 4 })
  await lab.mouse.up()
  await expect(lab.getByTestId('log-splitter')).toHaveAttribute('aria-valuenow', '20')
})

test('without an IPv6 loopback the IPv6 toggle is disabled and says why', async ({ page, host }) => {
  // Play a machine without ::1: the host's hostInfo reply says ipv6: false.
  await page.addInitScript(() => {
    const parse = JSON.parse
    JSON.parse = function (text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) {
      const value = parse.call(JSON, text, reviver)
      const info = value?.reply?.value
      if (info && typeof info === 'object' && 'ipv6' in info) info.ipv6 = false
      return value
    }
  })
  await page.goto(host.url)
  const v6 = page.getByTestId('family-IPv6')
  await expect(v6).toBeDisabled()
  await expect(v6).toHaveAttribute('title', /no IPv6 loopback/)
  await expect(page.getByTestId('family-IPv4')).toHaveAttribute('aria-pressed', 'true')
})

test('after a reload the HTTP lab is back, its console at its end, and a new long reply shows on screen', async ({ lab }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-reload-'))
  const page = (name: string): string => Array.from({ length: 400 }, (_, i) => `${name} line ${i}`).join('\n') + `\n${name}-end\n`
  fs.writeFileSync(path.join(dir, 'first.txt'), page('first'))
  fs.writeFileSync(path.join(dir, 'second.txt'), page('second'))
  try {
    await lab.getByTestId('lab-http').click()
    await lab.getByTestId('server-root').fill(dir)
    const port = await freePort()
    await startServer(lab, port)
    await lab.getByTestId('client-input').fill(`http://127.0.0.1:${port}/first.txt`)
    await lab.getByTestId('client-send').click()
    await expect.poll(() => consoleScreen(clientConsole(lab))).toContain('first-end')

    await lab.reload()
    // The lab the student was on, with its running server; the restored console shows its end.
    await expect(lab.getByTestId('lab-http')).toHaveAttribute('aria-selected', 'true')
    await expect(lab.getByTestId('server-status')).toHaveText(`listening on 0.0.0.0:${port}`)
    await expect.poll(() => consoleScreen(clientConsole(lab))).toContain('first-end')

    await lab.getByTestId('client-input').fill(`http://127.0.0.1:${port}/second.txt`)
    await lab.getByTestId('client-send').click()
    await expect.poll(() => consoleScreen(clientConsole(lab)), { message: 'the new reply is on screen, not only in the scrollback' }).toContain('second-end')
    await expect.poll(() => consoleScreen(clientConsole(lab))).toContain('Reply read in')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('after a reload the UDP lab is back with its fields, and the client port still follows the server port', async ({ lab }) => {
  await lab.getByTestId('lab-udp').click()
  const port = await freePort()
  await startServer(lab, port)
  await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
  await sendFromClient(lab, 'before reload')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('BEFORE RELOAD')
  await lab.getByTestId('server-stop').click()
  await expect(lab.getByTestId('server-status')).toHaveText('stopped')

  await lab.reload()
  await expect(lab.getByTestId('lab-udp')).toHaveAttribute('aria-selected', 'true')
  await expect(lab.getByTestId('server-port')).toHaveValue(String(port))
  await expect(lab.getByTestId('client-port')).toHaveValue(String(port))
  const next = await freePort()
  await lab.getByTestId('server-port').fill(String(next))
  await expect(lab.getByTestId('client-port')).toHaveValue(String(next))
  await startServer(lab, next)
  await sendFromClient(lab, 'after reload')
  await expect.poll(() => consoleText(clientConsole(lab))).toContain('AFTER RELOAD')
})

/** What a projector audience gets: no page scroll, whole log rows, Info's share, console lines and columns. */
async function projectorCheck(lab: Page, width: number, height: number, zoomSteps: number, label: string): Promise<void> {
  await lab.setViewportSize({ width, height })
  for (let i = 0; i < zoomSteps; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText(label)
  // Nothing selected: the log shows rows only.
  await expect.poll(async () => (await logViewport(lab)).newestVisible).toBe(true)
  const page = await lab.evaluate(() => ({ scroll: document.documentElement.scrollHeight, inner: innerHeight, scrollW: document.documentElement.scrollWidth, innerW: innerWidth }))
  expect(page.scroll, `the page scrolls at ${label} on ${width}×${height}`).toBeLessThanOrEqual(page.inner)
  expect(page.scrollW).toBeLessThanOrEqual(page.innerW)
  const { fullRows, cutRows } = await logViewport(lab)
  expect(fullRows, `log rows on screen at ${label}`).toBeGreaterThanOrEqual(6)
  expect(cutRows, `log rows cut under the header or at the bottom at ${label}`).toBe(0)
  const widths = await lab.getByTestId('log-column').evaluateAll((cells) => cells.map((c) => c.getBoundingClientRect().width))
  const [, , source, destination, , , info] = widths
  const row = widths.reduce((a, b) => a + b, 0)
  expect(info / row, `Info's share of the row at ${label}: ${widths.map(Math.round)}`).toBeGreaterThanOrEqual(0.3)
  expect(info).toBeGreaterThanOrEqual(2 * Math.max(source, destination))
  for (const c of [clientConsole(lab), serverConsole(lab)]) {
    const size = await consoleSize(c)
    expect(size.rows, `console lines at ${label}`).toBeGreaterThanOrEqual(5)
    expect(size.cols, `console columns at ${label}`).toBeGreaterThanOrEqual(40)
  }
  // The toolbar's labels may go off screen, but they still name its controls.
  for (const [role, name] of [['combobox', 'Protocol'], ['combobox', 'Endpoint'], ['searchbox', 'Find']] as const) await expect(lab.getByRole(role, { name }), `${name} named at ${label}`).toBeVisible()
  // Toolbar and header keep to one line, so that their height goes to the rows.
  const bar = (await lab.locator('.log-bar').boundingBox())!
  expect(bar.height).toBeLessThan((await lab.getByTestId('log-pause').boundingBox())!.height * 1.6)
}

/**
 * A row with bytes selected (a write, not the newest row): it stays wholly in view, also when new
 * rows arrive (`more`); the rows beside it are whole; its summary and at least two whole lines of
 * its hex dump show inside the window, none cut at an edge.
 */
async function selectedRowCheck(lab: Page, label: string, more: () => Promise<void>): Promise<void> {
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).last().click()
  await expect(lab.getByTestId('log-hex')).toBeVisible()
  const check = async (when: string): Promise<void> => {
    const view = await logViewport(lab)
    expect(view.selectedVisible, `the selected row wholly in view ${when}`).toBe(true)
    expect(view.cutRows, `log rows cut beside the selected one ${when}`).toBe(0)
    expect(view.fullRows, `log rows beside the selected one ${when}`).toBeGreaterThanOrEqual(4)
    const dump = await lab.getByTestId('log-details').evaluate((details) => {
      const pre = details.querySelector('pre')!
      const line = parseFloat(getComputedStyle(pre).lineHeight)
      const box = details.getBoundingClientRect()
      const p = details.querySelector('p')!.getBoundingClientRect()
      const shown = pre.getBoundingClientRect()
      return { lines: pre.clientHeight / line, summaryIn: p.top >= box.top && p.bottom <= box.bottom, preBottom: shown.bottom, detailsBottom: box.bottom, inner: innerHeight }
    })
    expect(dump.summaryIn, `the selected row's summary whole ${when}`).toBe(true)
    expect(dump.lines, `whole hex lines shown ${when}`).toBeGreaterThanOrEqual(2)
    expect(Math.abs(dump.lines - Math.round(dump.lines)), `a hex line cut at the pane's edge ${when}: ${dump.lines} lines`).toBeLessThan(0.05)
    expect(dump.preBottom).toBeLessThanOrEqual(dump.detailsBottom + 0.5)
    expect(dump.detailsBottom).toBeLessThanOrEqual(dump.inner + 0.5)
  }
  await check(`at ${label}`)
  const total = (await logViewport(lab)).total
  await more()
  await expect.poll(async () => (await logViewport(lab)).total).toBeGreaterThan(total)
  await check(`at ${label} once new rows came`)
  // "newest ↓" sits in the header row, over no row (over the rows, it hid the selected row's Info).
  const pill = lab.getByTestId('log-newest')
  if (await pill.isVisible()) {
    const head = (await lab.locator('.log-row.head').boundingBox())!
    const box = (await pill.boundingBox())!
    expect(box.y + box.height, `"newest ↓" below the header row at ${label}`).toBeLessThanOrEqual(head.y + head.height + 1)
  }
  // Unselected, the log stays where the row was read, and offers the newest rows if any are below.
  await lab.getByTestId('log-body').press('Escape')
  await expect(lab.getByTestId('log-details')).not.toHaveAttribute('role', 'region')
  const newest = lab.getByTestId('log-newest')
  if (await newest.isVisible()) await newest.click()
  await expect.poll(async () => (await logViewport(lab)).newestVisible).toBe(true)
  // An early row selected at the bottom of the log: the bytes pane comes, and the scroll lands on whole rows.
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).first().click()
  await expect(lab.getByTestId('log-hex')).toBeVisible()
  await expect.poll(async () => (await logViewport(lab)).cutRows, { message: `rows cut once an early row is selected at ${label}` }).toBe(0)
  await lab.getByTestId('log-body').press('Escape')
  await newest.click()
  await expect.poll(async () => (await logViewport(lab)).newestVisible).toBe(true)
}

/** Runs an exchange in the lab on screen: a sentence each way (TCP, UDP), a page fetched (HTTP). */
async function labExchange(lab: Page, kind: 'tcp' | 'udp' | 'http', port: number, n: number): Promise<void> {
  if (kind === 'tcp') return exchange(lab, `projector ${n}`)
  const before = (await consoleText(clientConsole(lab))).length
  await sendFromClient(lab, kind === 'udp' ? `projector ${n}` : `http://127.0.0.1:${port}/`)
  const done = kind === 'udp' ? `PROJECTOR ${n}` : 'until the server closed'
  await expect.poll(async () => (await consoleText(clientConsole(lab))).slice(before)).toContain(done)
}

test('a projector: at 200% on 1920×1080 (every lab) and 150% on 1280×720 the window fits, the log shows 6 whole rows with Info first, consoles stay readable, a selected row stays in view with its bytes readable', async ({ lab }) => {
  test.setTimeout(180_000)
  let zoomSteps = 5
  for (const kind of ['tcp', 'udp', 'http'] as const) {
    await lab.getByTestId(`lab-${kind}`).click()
    const port = await freePort()
    await startServer(lab, port)
    for (let n = 1; n <= 3; n++) await labExchange(lab, kind, port, n)
    await projectorCheck(lab, 1920, 1080, zoomSteps, '200%')
    zoomSteps = 0
    await shot(lab, `projector-200-1920x1080-${kind}`)
    await selectedRowCheck(lab, `200% in the ${kind} lab`, () => labExchange(lab, kind, port, 4))
  }
  await lab.getByTestId('log-row').filter({ hasText: 'SEND' }).last().click()
  await shot(lab, 'projector-200-1920x1080-selected')
  await lab.getByTestId('log-body').press('Escape')
  await lab.getByTestId('zoom-reset').click()
  await projectorCheck(lab, 1280, 720, 3, '150%')
  await shot(lab, 'projector-150-1280x720')
})

test('a server says who can reach it: all interfaces, other machines; loopback, only this one', async ({ lab }) => {
  await startServer(lab, await freePort())
  const reach = lab.getByTestId('server-reach')
  await expect(reach).toHaveText('other machines can connect')
  await expect(reach).toHaveAttribute('title', /other machines on the network can reach this server/)
  await lab.getByTestId('server-stop').click()
  await expect(reach).toHaveCount(0)
  await lab.getByTestId('server-address').fill('127.0.0.1')
  await startServer(lab, await freePort())
  await expect(reach).toHaveText('only this machine can connect')

  await lab.getByTestId('lab-udp').click()
  await lab.getByTestId('family-IPv6').click()
  await startServer(lab, await freePort('::1'))
  // A UDP server takes datagrams, not connections.
  await expect(reach).toHaveText('other machines can send it datagrams')
  await expect(reach).toHaveAttribute('title', /dual stack/)
})

test('the server panel keeps Start/Stop on its title’s line at 1280×800, reach badge and all, in each lab', async ({ lab }) => {
  test.setTimeout(90_000)
  await lab.setViewportSize({ width: 1280, height: 800 })
  const server = lab.getByTestId('server-panel')
  /** The button's middle lies within the title's line box. */
  const onTitleLine = async (button: string): Promise<boolean> => {
    const title = (await server.locator('.panel-head h2').boundingBox())!
    const box = (await server.getByTestId(button).boundingBox())!
    const middle = box.y + box.height / 2
    return middle > title.y && middle < title.y + title.height
  }
  for (const [kind, address] of [
    ['tcp', '0.0.0.0'],
    ['udp', '0.0.0.0'],
    ['http', '0.0.0.0'],
    ['tcp', '127.0.0.1']
  ] as const) {
    await lab.getByTestId(`lab-${kind}`).click()
    await lab.getByTestId('server-address').fill(address)
    expect(await onTitleLine('server-start'), `Start server on the title's line (${kind})`).toBe(true)
    await startServer(lab, await freePort())
    await expect(server.getByTestId('server-reach')).toBeVisible()
    expect(await onTitleLine('server-stop'), `Stop server on the title's line (${kind}, ${address})`).toBe(true)
    if (kind === 'http') await shot(lab, 'server-head-1280')
    await server.getByTestId('server-stop').click()
    await expect(server.getByTestId('server-start')).toBeVisible()
  }
})

test('at 200% on 1920×1080, a client status the tabs leave no room for shows in a word or two, not cut; whole on hover, and whole again with room', async ({ lab }) => {
  await lab.setViewportSize({ width: 1920, height: 1080 })
  for (let i = 0; i < 5; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
  await startServer(lab, await freePort())
  // Two tabs: the status shares their line (with more, it takes a line of its own).
  await lab.getByTestId('client-new').click()
  await exchange(lab, 'three tabs')
  const status = lab.getByTestId('client-status')
  await expect(status).toHaveAttribute('title', 'done: 10 bytes received')
  /** What the status shows on screen, and whether it is cut at its edge. */
  const shown = (): Promise<{ text: string; cut: boolean }> =>
    status.evaluate((el) => {
      const after = getComputedStyle(el, '::after').content
      const text = after && after !== 'none' ? JSON.parse(after) : (el.textContent ?? '')
      const full = el.firstElementChild as HTMLElement
      if (getComputedStyle(full).visibility !== 'hidden') return { text, cut: full.getBoundingClientRect().width > el.clientWidth + 0.5 }
      // The short form: the width it takes, without the whole text kept out of sight.
      full.style.display = 'none'
      const cut = el.scrollWidth > el.clientWidth
      full.style.display = ''
      return { text, cut }
    })
  await expect.poll(shown).toEqual({ text: 'done: 10 bytes', cut: false })
  // Zoomed back to 100%, the whole status has room again.
  await lab.getByTestId('zoom-reset').click()
  await expect.poll(shown).toEqual({ text: 'done: 10 bytes received', cut: false })
})
