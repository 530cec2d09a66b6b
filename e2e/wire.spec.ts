// The wire views in the browser host, on real captures (the host runs as root here, so dumpcap may
// capture; a host that may not is tested too, through SOCKLAB_WIRESHARK): the packets of one TCP
// exchange and one UDP exchange in the wire view and the ladder, what each socket does, and the
// pcapng export read back by tshark.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, sendFromClient, shot, startServer, test } from './fixtures'
import { python } from '../test/helpers/processes'

/** Wire rows as cells: [No., Time, Source, Destination, Protocol, Flags, Seq/Ack, Window, Length, What it is]. */
async function wireRows(page: Page): Promise<string[][]> {
  return page.getByTestId('wire-row').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent ?? '')))
}

/** The ladder from top to bottom: each arrow's label and words, each call's kind. */
async function ladderItems(page: Page): Promise<{ type: 'arrow' | 'call'; text: string; kind?: string; y: number }[]> {
  return page.getByTestId('ladder').locator('[data-testid=ladder-arrow], [data-testid=ladder-call]').evaluateAll((items) =>
    items.map((g) => ({
      type: g.getAttribute('data-testid') === 'ladder-arrow' ? ('arrow' as const) : ('call' as const),
      text: g.getAttribute('aria-label') ?? '',
      kind: g.getAttribute('data-kind') ?? undefined,
      y: g.getBoundingClientRect().top
    }))
  )
}

/** The window's words that these tests read, in each language the layout checks run in. */
const WORDS = {
  en: { capturing: 'Capturing', ports: 'Capturing ports?', lastAck: 'last ACK: both sides closed' },
  it: { capturing: 'Cattura', ports: 'Cattura (?:la porta|le porte)', lastAck: 'ultimo ACK: entrambi chiusi' }
} as const
type Lang = keyof typeof WORDS

/** The same window in `lang` (the address's ?lang= decides first). */
async function inLanguage(page: Page, lang: Lang): Promise<void> {
  if (lang === 'en') return
  const url = new URL(page.url())
  url.searchParams.set('lang', lang)
  await page.goto(url.href)
  await expect(page.locator('html')).toHaveAttribute('lang', lang)
}

async function openWire(page: Page, lang: Lang = 'en'): Promise<void> {
  await page.getByTestId('view-wire').click()
  await expect(page.getByTestId('capture-status')).toContainText(WORDS[lang].capturing, { timeout: 20_000 })
}

async function capturing(page: Page, port: number, lang: Lang = 'en'): Promise<void> {
  await expect(page.getByTestId('capture-status')).toContainText(new RegExp(`${WORDS[lang].ports} [\\d, ]*\\b${port}\\b`), { timeout: 20_000 })
}

const has = (row: string[], flag: string): boolean => row[5].split('-').includes(flag)

for (const family of ['IPv4', 'IPv6'] as const) {
  test(`TCP over ${family}: the handshake before the data and a FIN from each side, in the wire view and the ladder`, async ({ lab }) => {
    test.setTimeout(90_000)
    const loopback = family === 'IPv6' ? '::1' : '127.0.0.1'
    const shown = family === 'IPv6' ? `[::1]` : '127.0.0.1'
    const port = await freePort(loopback)
    if (family === 'IPv6') await lab.getByTestId('family-IPv6').click()
    await openWire(lab)
    await startServer(lab, port)
    await capturing(lab, port)
    await exchange(lab, 'hello world')

    await expect.poll(async () => (await wireRows(lab)).filter((r) => has(r, 'FIN')).length, { timeout: 15_000 }).toBe(2)
    // The last ACK comes right after the second FIN.
    await expect.poll(async () => (await wireRows(lab)).some((r) => r[9] === 'last ACK: both sides closed')).toBe(true)
    const rows = await wireRows(lab)
    expect(rows.slice(0, 3).map((r) => [r[5], r[9]])).toEqual([
      ['SYN', 'handshake 1/3'],
      ['SYN-ACK', 'handshake 2/3'],
      ['ACK', 'handshake 3/3']
    ])
    const client = rows[0][2]
    expect(client.startsWith(`${shown}:`)).toBe(true)
    expect(rows[0][3]).toBe(`${shown}:${port}`)
    expect(rows[0][6]).toBe('seq=0')
    expect(rows[1][6]).toBe('seq=0 ack=1')
    const data = rows.findIndex((r) => r[8] !== 'len=0')
    expect(data, 'the first data segment comes after the handshake').toBeGreaterThan(2)
    expect(rows[data][8]).toBe('len=11')
    const fins = rows.filter((r) => has(r, 'FIN'))
    expect(fins.map((r) => r[2]).sort()).toEqual([client, `${shown}:${port}`].sort())
    expect(fins.map((r) => r[9]).sort()).toEqual(['the client closes its side', 'the server closes its side'])
    for (const r of rows) expect(r[4]).toBe('TCP')
    await shot(lab, `wire-tcp-${family}`)

    // The ladder of that connection: the same packets as arrows, the calls of both ends around them.
    await lab.getByTestId('wire-row').first().click()
    await lab.getByTestId('view-ladder').click()
    await expect.poll(async () => (await ladderItems(lab)).filter((i) => i.type === 'arrow').length).toBe(rows.length)
    // Numbered from 1, as the packet log numbers the server's connections (not tshark's stream 0).
    await expect(lab.getByTestId('ladder-pick').locator('option:checked')).toHaveText(new RegExp(`^TCP connection 1: ${client.replace(/[[\].]/g, '\\$&')} → `))
    const items = await ladderItems(lab)
    const arrows = items.filter((i) => i.type === 'arrow')
    expect(arrows[0].text).toMatch(/^client to server: SYN seq=0, handshake 1\/3$/)
    expect(arrows[1].text).toMatch(/^server to client: SYN-ACK seq=0 ack=1, handshake 2\/3$/)
    expect(arrows[2].text).toMatch(/^client to server: ACK seq=1 ack=1, handshake 3\/3$/)
    expect(arrows.filter((a) => /FIN/.test(a.text))).toHaveLength(2)
    const at = (match: (i: (typeof items)[number]) => boolean): number => items.findIndex(match)
    const synAck = at((i) => /SYN-ACK/.test(i.text))
    const connect = at((i) => i.kind === 'connect')
    const accept = at((i) => i.kind === 'accept')
    const handshakeDone = at((i) => /handshake 3\/3/.test(i.text))
    // connect() returns after the SYN-ACK; accept() returns a connection whose handshake is done.
    expect(connect).toBeGreaterThan(synAck)
    expect(accept).toBeGreaterThan(handshakeDone)
    // close() sends the FIN: the server's close() comes before the server's FIN.
    const serverClose = at((i) => i.kind === 'close' && i.text.startsWith('server'))
    const serverFin = at((i) => /^server to client: FIN/.test(i.text))
    expect(serverClose).toBeGreaterThan(-1)
    expect(serverClose).toBeLessThan(serverFin)
    for (const kind of ['connect', 'accept', 'send', 'recv', 'close']) expect(items.some((i) => i.kind === kind), `a ${kind} call in the ladder`).toBe(true)
    // In order down the page.
    expect(items.map((i) => i.y)).toEqual([...items.map((i) => i.y)].sort((a, b) => a - b))
    await shot(lab, `ladder-tcp-${family}`)

    // Clicking the client's data arrow picks the packet in the wire view and the send() in the packet log.
    const dataArrow = lab.getByTestId('ladder-arrow').filter({ hasText: 'len=11' }).first()
    const no = await dataArrow.getAttribute('data-no')
    await dataArrow.click()
    await lab.getByTestId('view-wire').click()
    await expect(lab.locator(`[data-testid=wire-row][data-no="${no}"]`)).toHaveAttribute('aria-selected', 'true')
    await lab.getByTestId('view-log').click()
    await expect(lab.locator('.log-row.selected')).toContainText('SEND')
  })
}

test('UDP: one exchange is exactly two datagrams, in the wire view and the ladder', async ({ lab }) => {
  test.setTimeout(60_000)
  await lab.getByTestId('lab-udp').click()
  const port = await freePort()
  await openWire(lab)
  await startServer(lab, port)
  await capturing(lab, port)
  await sendFromClient(lab, 'ping')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('\nPING')
  await expect.poll(async () => (await wireRows(lab)).length).toBe(2)
  // Nothing else comes: UDP has no handshake, no acknowledgement, no close.
  await lab.waitForTimeout(1000)
  const rows = await wireRows(lab)
  expect(rows.map((r) => [r[3].endsWith(`:${port}`), r[4], r[5], r[6], r[8]])).toEqual([
    [true, 'UDP', '', '', 'len=4'],
    [false, 'UDP', '', '', 'len=4']
  ])
  await lab.getByTestId('view-ladder').click()
  const items = await ladderItems(lab)
  expect(items.filter((i) => i.type === 'arrow').map((i) => i.text)).toEqual(['client to server: datagram, 4 bytes', 'server to client: datagram, 4 bytes'])
  expect(items.filter((i) => i.type === 'call').map((i) => i.text)).toEqual(['client: sendto(): 4 bytes', 'server: recvfrom() returns 4 bytes', 'server: sendto(): 4 bytes', 'client: recvfrom() returns 4 bytes'])
  await shot(lab, 'ladder-udp')
})

test('Sockets: blocked in accept() before any client, TIME_WAIT after the server closes', async ({ lab }) => {
  test.setTimeout(60_000)
  const port = await freePort()
  await lab.getByTestId('view-sockets').click()
  await startServer(lab, port)
  const server = lab.locator('[data-testid=socket-card][data-endpoint^="tcp-server"]')
  await expect(server.getByTestId('socket-now')).toContainText('blocked in accept()')
  await expect(server.locator('[data-testid=kernel-socket][data-state=LISTEN]')).toContainText(`:${port}`)
  await shot(lab, 'sockets-listening')
  await exchange(lab, 'hello')
  // The course's server closes first: its end of the connection waits in TIME_WAIT.
  await expect(server.locator('[data-testid=kernel-socket][data-state=TIME_WAIT]')).toBeVisible({ timeout: 10_000 })
  await expect(server.getByTestId('socket-now')).toContainText('blocked in accept()')
  const client = lab.locator('[data-testid=socket-card][data-endpoint^="tcp-client"]')
  await expect(client.getByTestId('socket-now')).toContainText('closed')
  await shot(lab, 'sockets-time-wait')
})

test('Sockets: the backlog of an iterative server shows the connection waiting for accept()', async ({ lab }) => {
  test.setTimeout(60_000)
  const port = await freePort()
  await lab.getByTestId('view-sockets').click()
  await startServer(lab, port)
  // Client 1 connects and holds the server in recv(); client 2 connects behind it.
  await lab.getByTestId('client-connect').click()
  await lab.getByTestId('client-new').click()
  await lab.getByTestId('client-connect').click()
  const server = lab.locator('[data-testid=socket-card][data-endpoint^="tcp-server"]')
  // 15 s, as for the other socket states: on a loaded machine starting the capture tools (a new
  // port restarts them) can hold both cores for seconds.
  await expect(server.getByTestId('socket-now')).toContainText('blocked in recv()', { timeout: 15_000 })
  await expect(server.getByTestId('socket-backlog')).toContainText('1 connection waits for accept(), held by socklab')
  // The kernel's queue is empty (Node accepts at once): the LISTEN row says who holds the connection instead of a bare 0.
  const listen = server.locator('[data-testid=kernel-socket][data-state=LISTEN]')
  await expect(listen).toContainText('kernel’s accept queue empty: socklab accepts each connection at once and keeps the waiting ones itself')
  await expect(listen).not.toContainText('0 waiting')
  // The queued connection's own kernel row says the same as the backlog line, not that data flows.
  const queued = server.locator('[data-testid=kernel-socket][data-state=ESTABLISHED]', { hasText: 'waits in the backlog' })
  await expect(queued).toHaveCount(1)
  await expect(queued).toContainText('handshake done, waits in the backlog for accept()')
  await expect(server.locator('[data-testid=kernel-socket][data-state=ESTABLISHED]', { hasText: 'data can flow both ways' })).toHaveCount(1)
  await shot(lab, 'sockets-backlog')
})

test('export: the pcapng download holds every captured packet, and tshark reads it', async ({ lab }) => {
  test.setTimeout(60_000)
  const port = await freePort()
  await openWire(lab)
  await startServer(lab, port)
  await capturing(lab, port)
  await exchange(lab, 'export me')
  await expect.poll(async () => (await wireRows(lab)).some((r) => r[9] === 'last ACK: both sides closed'), { timeout: 15_000 }).toBe(true)
  const shownRows = (await wireRows(lab)).length
  const [download] = await Promise.all([lab.waitForEvent('download'), lab.getByTestId('wire-export').click()])
  expect(download.suggestedFilename()).toMatch(/^socklab-.*\.pcapng$/)
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-e2e-')), 'export.pcapng')
  await download.saveAs(file)
  const lines = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.len'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')
  expect(lines.length).toBe(shownRows)
  expect(lines.some((l) => /\t9$/.test(l))).toBe(true)
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
})

test.describe('where capture is impossible', () => {
  const empty = path.join(os.tmpdir(), 'socklab-no-wireshark-here') // never made: a folder with no tools, and nothing left behind
  test.use({ hostEnv: { SOCKLAB_WIRESHARK: empty } })

  test('the wire view says why in one sentence and how to enable it, and the lab works on', async ({ lab }) => {
    await lab.getByTestId('view-wire').click()
    const problem = lab.getByTestId('capture-problem')
    await expect(problem).toContainText(`which are not in ${empty} (the folder SOCKLAB_WIRESHARK names)`)
    await expect(lab.getByTestId('capture-status')).toHaveText('Capture is not possible here')
    await shot(lab, 'wire-unavailable')
    const port = await freePort()
    await startServer(lab, port)
    await exchange(lab, 'still here')
    await lab.getByTestId('view-sockets').click()
    await expect(lab.locator('[data-testid=socket-card][data-endpoint^="tcp-server"]').getByTestId('socket-now')).toContainText('blocked in accept()')
  })

  test('in Italian: the same sentence in Italian, the folder as it is, and the ladder says why it is empty', async ({ lab }) => {
    await inLanguage(lab, 'it')
    await lab.getByTestId('view-wire').click()
    await expect(lab.getByTestId('capture-problem')).toContainText(`che non sono in ${empty} (la cartella indicata da SOCKLAB_WIRESHARK)`)
    await expect(lab.getByTestId('capture-status')).toHaveText('Qui la cattura non è possibile')
    await shot(lab, 'wire-unavailable-it')
    await lab.getByTestId('view-ladder').click()
    await expect(lab.getByTestId('ladder').locator('.wire-empty')).toContainText('Qui la cattura non è possibile')
  })
})

/** For screenshots at projector zoom: the 1920×1080 window at 200%. */
for (const lang of ['en', 'it'] as const) {
  // English keeps the screenshots' old names; Italian's end in -it.
  const suffix = lang === 'en' ? '' : `-${lang}`
  test(`the views read at 200% on 1920×1080 (${lang})`, async ({ lab }) => {
    test.setTimeout(90_000)
    await inLanguage(lab, lang)
    await lab.setViewportSize({ width: 1920, height: 1080 })
    const port = await freePort()
    await openWire(lab, lang)
    await startServer(lab, port)
    await capturing(lab, port, lang)
    await exchange(lab, 'hello world')
    await expect.poll(async () => (await wireRows(lab)).some((r) => r[9] === WORDS[lang].lastAck), { timeout: 15_000 }).toBe(true)
    await shot(lab, `wire-100${suffix}`)
    await lab.getByTestId('view-ladder').click()
    await shot(lab, `ladder-100${suffix}`)
    await lab.getByTestId('view-sockets').click()
    await shot(lab, `sockets-100${suffix}`)
    await lab.getByTestId('view-ladder').click()
    for (let i = 0; i < 5 && (await lab.getByTestId('zoom-reset').textContent()) !== '200%'; i++) await lab.getByTestId('zoom-in').click()
    await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
    await shot(lab, `ladder-200${suffix}`)
    await smallestText(lab.getByTestId('ladder'), 26)
    // The packet count beside the alignment's words stays whole.
    await expect.poll(() => lab.getByTestId('ladder-count').evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true)
    await lab.getByTestId('view-wire').click()
    await shot(lab, `wire-200${suffix}`)
    await lab.getByTestId('view-sockets').click()
    await shot(lab, `sockets-200${suffix}`)
    // Nothing overflows the window.
    const page = await lab.evaluate(() => ({ scroll: document.documentElement.scrollHeight, inner: innerHeight, scrollW: document.documentElement.scrollWidth, innerW: innerWidth }))
    expect(page.scroll).toBeLessThanOrEqual(page.inner)
    expect(page.scrollW).toBeLessThanOrEqual(page.innerW)
  })
}

/** Every text of the view is at least `px` CSS pixels high (13 px at 100% is 26 px at 200%). */
async function smallestText(view: Locator, px: number): Promise<void> {
  const sizes = await view.locator('text, span, p, select').evaluateAll((els) => els.filter((e) => (e as HTMLElement).getClientRects().length > 0).map((e) => parseFloat(getComputedStyle(e).fontSize)))
  expect(sizes.length).toBeGreaterThan(0)
  expect(Math.min(...sizes)).toBeGreaterThanOrEqual(px)
}

test("a client held until the capture includes its new port says so in its console at once; nothing when it is not held", async ({ lab }) => {
  test.setTimeout(90_000)
  const waits = async (): Promise<string[]> => (await consoleText(clientConsole(lab))).split('\n').filter((l) => l.startsWith('Waiting for the capture'))
  // Capture off, then on with the port already in it: no wait, no line.
  const tcpPort = await freePort()
  await startServer(lab, tcpPort)
  await exchange(lab, 'off')
  await openWire(lab)
  await capturing(lab, tcpPort)
  await exchange(lab, 'on')
  expect(await waits()).toEqual([])
  // A new port: the first datagram waits for the capture to restart, and the console says why before the reply.
  await lab.getByTestId('lab-udp').click()
  const udpPort = await freePort()
  await startServer(lab, udpPort)
  await sendFromClient(lab, 'ping')
  const said = `Waiting for the capture to include port ${udpPort}, so that the first datagram shows in the Wire view…`
  await expect.poll(waits, { timeout: 15_000 }).toEqual([said])
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 20_000 }).toContain('\nPING')
  const text = await consoleText(clientConsole(lab))
  expect(text.indexOf(said)).toBeLessThan(text.indexOf('\nPING'))
  // Once the port is captured, the next datagram is not held.
  await sendFromClient(lab, 'again')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('\nAGAIN')
  expect(await waits()).toEqual([said])
})

test('a sentence longer than recv(1024): the server closes with bytes unread, and the wire view and the ladder say why it is a RST', async ({ lab }) => {
  test.setTimeout(90_000)
  const port = await freePort()
  await openWire(lab)
  await startServer(lab, port)
  await capturing(lab, port)
  // The reply is the 1,024 bytes the server's one recv() read.
  await sendFromClient(lab, 'a'.repeat(3000))
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Connection closed with server')
  const why = 'reset: the server closed with at least 1,976 bytes unread'
  await expect.poll(async () => (await wireRows(lab)).filter((r) => has(r, 'RST')).map((r) => r[9]), { timeout: 15_000 }).toEqual([why])
  // No FIN from the server: its close() with bytes unread is the reset.
  const rows = await wireRows(lab)
  expect(rows.filter((r) => has(r, 'FIN') && r[2].endsWith(`:${port}`))).toEqual([])
  await shot(lab, 'wire-reset')
  await lab.getByTestId('wire-row').filter({ hasText: why }).click()
  await lab.getByTestId('view-ladder').click()
  await expect.poll(async () => (await ladderItems(lab)).filter((i) => i.type === 'arrow' && i.text.includes(why)).length).toBe(1)
  await expect.poll(async () => (await ladderItems(lab)).some((i) => i.type === 'call' && i.text.includes('close() with at least 1,976 bytes unread: RST'))).toBe(true)
  await shot(lab, 'ladder-reset')
})

test("the course's Python server reads 1,024 of 3,000 bytes and resets: the wire says what the packets show, the ladder aligns only the client's calls", async ({ lab }) => {
  test.setTimeout(90_000)
  await lab.setViewportSize({ width: 1920, height: 1080 })
  const port = await freePort()
  const server = python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
  try {
    await server.waitFor(/Server waiting on/)
    await openWire(lab)
    await lab.getByTestId('client-port').fill(String(port))
    await sendFromClient(lab, 'a'.repeat(3000))
    await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('Connection closed with server')
    // No lab close() to say how much it read: what the packets show, and that socklab cannot see the rest.
    const why = 'reset: the server aborted, or closed with bytes unread'
    await expect.poll(async () => (await wireRows(lab)).filter((r) => has(r, 'RST')).map((r) => r[9]), { timeout: 15_000 }).toEqual([why])
    await shot(lab, 'wire-reset-python-100')
    await lab.getByTestId('wire-row').filter({ hasText: why }).click()
    await lab.getByTestId('view-ladder').click()
    await expect.poll(async () => (await ladderItems(lab)).filter((i) => i.type === 'arrow' && i.text.includes(why)).length).toBe(1)
    // Only the lab's client has calls here: the alignment is said of them alone.
    expect((await ladderItems(lab)).filter((i) => i.type === 'call' && !i.text.startsWith('client'))).toEqual([])
    await expect(lab.getByTestId('ladder-alignment')).toHaveText(/^client calls aligned to ±[\d,]+ µs$/, { timeout: 20_000 })
    await shot(lab, 'ladder-reset-python-100')
    await zoomTo(lab, '200%')
    // The alignment's words leave the packet count beside them whole.
    await expect.poll(() => lab.getByTestId('ladder-count').evaluate((e) => e.scrollWidth <= e.clientWidth + 1)).toBe(true)
    await shot(lab, 'ladder-reset-python-200')
    await lab.getByTestId('view-wire').click()
    await shot(lab, 'wire-reset-python-200')
  } finally {
    await server.stop()
  }
})

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

/** The wire rows drawn, by No., each whole (below the sticky header, above the table's and the window's bottom) or cut; whether the page scrolls. */
async function wireFit(page: Page): Promise<{ whole: number[]; cut: number[]; pageScrolls: boolean; barCut: string[]; rowPx: number; spare: number }> {
  return page.getByTestId('wire-view').evaluate((view) => {
    const body = view.querySelector('[data-testid=wire-body]')!
    const head = body.querySelector('.wire-row.head')!.getBoundingClientRect()
    const bottom = Math.min(body.getBoundingClientRect().bottom, innerHeight)
    const whole: number[] = []
    const cut: number[] = []
    for (const row of body.querySelectorAll<HTMLElement>('[data-testid=wire-row]')) {
      const r = row.getBoundingClientRect()
      if (r.top >= head.bottom - 1 && r.bottom <= bottom + 1) whole.push(Number(row.dataset.no))
      else if (r.bottom > head.bottom + 1 && r.top < bottom - 1) cut.push(Number(row.dataset.no))
    }
    const bar = [...view.querySelectorAll<HTMLElement>('.log-bar > *')].filter((e) => e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1 && !e.classList.contains('count'))
    const rowPx = body.querySelector('[data-testid=wire-row]')?.getBoundingClientRect().height ?? 0
    const spare = Math.round(innerHeight - body.getBoundingClientRect().bottom)
    return { whole: whole.sort((a, b) => a - b), cut, pageScrolls: document.documentElement.scrollHeight > innerHeight + 1, barCut: bar.map((e) => e.textContent ?? ''), rowPx, spare }
  })
}

for (const lang of ['en', 'it'] as const) {
test(`the course TCP exchange whole in the Wire view with one action, at 200% on 1920×1080 and at 150% on 1280×720; in the pane, whole rows only (${lang})`, async ({ lab }) => {
  test.setTimeout(90_000)
  await inLanguage(lab, lang)
  const suffix = lang === 'en' ? '' : `-${lang}`
  const port = await freePort()
  await openWire(lab, lang)
  await startServer(lab, port)
  await capturing(lab, port, lang)
  await exchange(lab, 'hello, world!!!')
  await expect.poll(async () => (await wireRows(lab)).some((r) => r[9] === WORDS[lang].lastAck), { timeout: 15_000 }).toBe(true)
  // The course's exchange: 10 packets (11 when the kernel ACKs the server's FIN before the client's comes).
  const packets = (await wireRows(lab)).map((r) => Number(r[0]))
  expect(packets.length).toBeGreaterThanOrEqual(10)
  for (const [width, height, zoom] of [
    [1920, 1080, '200%'],
    [1280, 720, '150%']
  ] as const) {
    const where = `at ${zoom} on ${width}×${height}`
    await lab.setViewportSize({ width, height })
    await zoomTo(lab, zoom)
    // The pane: the newest rows, none half hidden under the header.
    await expect.poll(async () => (await wireFit(lab)).cut, `rows cut in the pane ${where}`).toEqual([])
    expect((await wireFit(lab)).whole, `the newest row in the pane ${where}`).toContain(packets.at(-1))
    await shot(lab, `wire-pane-${width}x${height}-${zoom.replace('%', '')}${suffix}`)
    await lab.getByTestId('wire-whole').click()
    await expect(lab.getByTestId('wire-whole')).toHaveAttribute('aria-pressed', 'true')
    await expect.poll(async () => (await wireFit(lab)).whole, `every packet whole ${where}`).toEqual(packets)
    const fit = await wireFit(lab)
    console.log(`${where}: ${fit.whole.length} rows whole, ${fit.rowPx} px each, ${fit.spare} px spare`)
    expect(fit.cut, `rows cut ${where}`).toEqual([])
    expect(fit.pageScrolls, `no page scroll ${where}`).toBe(false)
    expect(fit.barCut, `nothing cut in the bar ${where}`).toEqual([])
    await shot(lab, `wire-whole-${width}x${height}-${zoom.replace('%', '')}${suffix}`)
    // Back (Esc) to the consoles, as it was.
    await lab.keyboard.press('Escape')
    await expect(lab.getByTestId('wire-whole')).toHaveAttribute('aria-pressed', 'false')
    await expect(lab.getByTestId('client-panel')).toBeVisible()
  }
  // The view takes the window, and its button, saying Back, gives it back too.
  const covers = (): Promise<boolean> => lab.getByTestId('wire-view').evaluate((v) => document.elementFromPoint(innerWidth / 2, 10) !== null && v.contains(document.elementFromPoint(innerWidth / 2, 10)))
  await lab.getByTestId('wire-whole').click()
  await expect.poll(covers).toBe(true)
  // The button's own words (Back) are the window's: checked in English.
  if (lang === 'en') await expect(lab.getByTestId('wire-whole')).toHaveText('Back')
  await lab.getByTestId('wire-whole').click()
  await expect.poll(covers).toBe(false)
})
}
