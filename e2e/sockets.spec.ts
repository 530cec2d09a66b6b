// The Sockets view in the browser host, with real sockets of other programs on the lab's port: a
// row is under an endpoint only when it is that endpoint's, and the current lab's server card is
// first and on screen at projector zoom, in the same place after a restart.

import { execFileSync, spawn } from 'node:child_process'
import type { Page } from '@playwright/test'
import { clientConsole, consoleText, exchange, expect, freePort, sendFromClient, shot, startServer, test } from './fixtures'

async function zoomTo(page: Page, label: string): Promise<void> {
  await page.getByTestId('zoom-reset').click()
  for (let i = 0; i < 8 && (await page.getByTestId('zoom-reset').textContent()) !== label; i++) await page.getByTestId('zoom-in').click()
  await expect(page.getByTestId('zoom-reset')).toHaveText(label)
}

/**
 * Another program (python, as a student's own server and client would) on `port`: its server side
 * closes first, so the kernel keeps 127.0.0.1:port ↔ 127.0.0.1:<its client's port> in TIME_WAIT
 * for a minute. Returns that client's port.
 */
function otherProgramTimeWait(port: number): number {
  const script = [
    'import socket, sys',
    'p = int(sys.argv[1])',
    's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", p)); s.listen(1)',
    'c = socket.create_connection(("127.0.0.1", p))',
    'a, peer = s.accept()',
    'a.close()',
    'c.recv(1); c.close(); s.close()',
    'print(peer[1])'
  ].join('\n')
  return Number(execFileSync('python3', ['-c', script, String(port)], { encoding: 'utf8', timeout: 10_000 }).trim())
}

/** The cards' names from top to bottom. */
/** The words these tests read, in each language the layout checks run in. */
const WORDS = {
  en: { accept: 'blocked in accept()', group: '120 connections: 120 ESTABLISHED (showing 50)', backlog: '119 connections wait for accept()', more: 'and 114 more' },
  it: { accept: 'bloccato in accept()', group: '120 connessioni: 120 ESTABLISHED (ne mostra 50)', backlog: '119 connessioni attendono accept()', more: 'e altre 114' }
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

const cardNames = (page: Page): Promise<string[]> => page.getByTestId('socket-card').evaluateAll((cards) => cards.map((c) => c.querySelector('h3')!.firstChild!.textContent!.trim()))

test('a TIME_WAIT left by another program on the lab’s port is under Other sockets, not the TCP Server', async ({ lab }) => {
  test.setTimeout(60_000)
  const port = await freePort()
  const stranger = otherProgramTimeWait(port)
  await lab.getByTestId('view-sockets').click()
  await startServer(lab, port)
  await exchange(lab, 'mine')
  const server = lab.locator('[data-testid=socket-card][data-endpoint^="tcp-server"]')
  // The lab's own connection: the server closed first, its end waits in TIME_WAIT under the server.
  const own = server.locator('[data-testid=kernel-socket][data-state=TIME_WAIT]')
  await expect(own).toHaveCount(1, { timeout: 10_000 })
  await expect(own).not.toContainText(`:${stranger}`)
  await expect(server.locator('[data-testid=kernel-socket]', { hasText: `127.0.0.1:${stranger}` })).toHaveCount(0)
  const others = lab.getByTestId('socket-others')
  await expect(others.locator('[data-testid=kernel-socket][data-state=TIME_WAIT]', { hasText: `127.0.0.1:${port} ↔ 127.0.0.1:${stranger}` })).toHaveCount(1)
  await shot(lab, 'sockets-other-program')
})

for (const lang of ['en', 'it'] as const) {
test(`the current lab’s server card is first and on screen at 200% on 1920×1080 and 150% on 1280×720, and keeps its place after a restart (${lang})`, async ({ lab }) => {
  test.setTimeout(120_000)
  await inLanguage(lab, lang)
  const suffix = lang === 'en' ? '' : `-${lang}`
  // Another lab's endpoints first, as a class does: their events come before the TCP lab's.
  await lab.getByTestId('lab-udp').click()
  await startServer(lab, await freePort())
  await sendFromClient(lab, 'udp first')
  await expect.poll(() => consoleText(clientConsole(lab)), { timeout: 15_000 }).toContain('UDP FIRST')
  await lab.getByTestId('lab-tcp').click()
  const port = await freePort()
  await startServer(lab, port)
  await exchange(lab, 'one')
  await lab.getByTestId('client-new').click()
  await exchange(lab, 'two')
  // A restart: the server is a new endpoint, whose first event comes after its clients'.
  await lab.getByTestId('server-stop').click()
  await startServer(lab, port)
  await lab.getByTestId('view-sockets').click()
  const server = lab.locator('[data-testid=socket-card][data-endpoint^="tcp-server"]')
  await expect(server.getByTestId('socket-now')).toContainText(WORDS[lang].accept)
  await expect(lab.getByTestId('socket-card')).toHaveCount(5)
  const order = await cardNames(lab)
  // The endpoints' names are the window's words: checked in English.
  if (lang === 'en') expect(order).toEqual(['TCP Server', 'TCP Client 1', 'TCP Client 2', 'UDP Server', 'UDP Client 1'])

  for (const [width, height, zoom] of [
    [1920, 1080, '200%'],
    [1280, 720, '150%']
  ] as const) {
    await lab.setViewportSize({ width, height })
    await zoomTo(lab, zoom)
    await expect(lab.getByTestId('socket-card').first()).toHaveAttribute('data-endpoint', /^tcp-server/)
    // Its name and what it does are inside the view and the window, not scrolled away.
    const seen = await server.evaluate((card) => {
      const body = card.closest('.sockets-body')!.getBoundingClientRect()
      const head = card.querySelector('h3')!.getBoundingClientRect()
      const now = card.querySelector('[data-testid=socket-now]')!.getBoundingClientRect()
      return head.top >= body.top - 1 && now.bottom <= Math.min(body.bottom, innerHeight) + 1 && head.left >= body.left - 1 && head.right <= body.right + 1
    })
    expect(seen, `the server card on screen at ${zoom} on ${width}×${height}`).toBe(true)
    await shot(lab, `sockets-${width}x${height}-${zoom.replace('%', '')}${suffix}`)

    await lab.getByTestId('server-stop').click()
    await startServer(lab, port)
    await expect(server.getByTestId('socket-now')).toContainText(WORDS[lang].accept)
    await expect.poll(() => cardNames(lab)).toEqual(order)
  }
})
}

for (const lang of ['en', 'it'] as const) {
test(`many connections: each card lists 50 kernel rows under a line counting them all, at 100% and 200% (${lang})`, async ({ lab }) => {
  test.setTimeout(90_000)
  await inLanguage(lab, lang)
  const suffix = lang === 'en' ? '' : `-${lang}`
  const port = await freePort()
  await lab.getByTestId('view-sockets').click()
  await startServer(lab, port)
  // 120 idle connections from python, held open until stdin closes: one served, the rest in the backlog.
  const script = 'import socket, sys\ncs = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(120)]\nprint("open", flush=True)\nsys.stdin.read()'
  const python = spawn('python3', ['-c', script, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] })
  try {
    await new Promise<void>((resolve, reject) => {
      python.stdout!.once('data', () => resolve())
      python.once('exit', (code) => reject(new Error(`python exited (${code}) before opening its connections`)))
    })
    const server = lab.locator('[data-testid=socket-card][data-endpoint^="tcp-server"]')
    await expect(server.getByTestId('kernel-group')).toHaveText(WORDS[lang].group, { timeout: 20_000 })
    // The listening socket first, then 49 of the connections: 50 rows, whatever the count.
    await expect(server.getByTestId('kernel-socket')).toHaveCount(50)
    await expect(server.getByTestId('kernel-socket').first()).toHaveAttribute('data-state', 'LISTEN')
    await expect(server.getByTestId('socket-backlog')).toContainText(WORDS[lang].backlog)
    await expect(server.getByTestId('socket-backlog')).toContainText(WORDS[lang].more)
    // python's own ends of the connections are not the server's.
    const others = lab.getByTestId('socket-others')
    await expect(others.getByTestId('kernel-group')).toHaveText(WORDS[lang].group)
    await expect(others.getByTestId('kernel-socket')).toHaveCount(50)
    await shot(lab, `sockets-many-100${suffix}`)
    await lab.setViewportSize({ width: 1920, height: 1080 })
    await zoomTo(lab, '200%')
    await expect(server.getByTestId('kernel-group')).toBeInViewport()
    await shot(lab, `sockets-many-200${suffix}`)
  } finally {
    python.stdin!.end()
    python.kill()
  }
})
}
