// Messages from the host are checked in the window as the host checks those to it: a bad one (a
// packet batch without its list, an event without its kind or time, text that is not JSON, a reply
// without its result) is left out with one console line, and the window goes on working.

import type { WebSocketRoute } from '@playwright/test'
import { expect, exchange, freePort, logRows, startServer, test } from './fixtures'

test('bad messages from the host: one console line each, and the window keeps its feeds and its calls', async ({ lab }) => {
  test.setTimeout(60_000)
  const lines: string[] = []
  const crashes: string[] = []
  lab.on('console', (m) => {
    if (m.type() === 'error') lines.push(m.text())
  })
  lab.on('pageerror', (err) => crashes.push(err.message))
  // Between the host and the window: the host's messages pass, and the test adds its own.
  let toWindow: WebSocketRoute | undefined
  await lab.routeWebSocket(/\/lab\?/, (ws) => {
    const server = ws.connectToServer()
    server.onMessage((message) => ws.send(message))
    toWindow = ws
  })
  await lab.reload()
  await expect(lab.getByTestId('host-info')).toContainText('browser host')
  const port = await freePort()
  await lab.getByTestId('view-wire').click()
  await startServer(lab, port)
  await expect(lab.getByTestId('capture-status')).toContainText(new RegExp(`Capturing ports? [\\d, ]*\\b${port}\\b`), { timeout: 20_000 })

  const bad = [
    '{"packets":null}',
    '{"packets":[{"no":99999,"proto":"TCP"}]}',
    '{"events":[{"seq":99999,"endpoint":0,"info":0,"detail":1}],"shared":["tcp-server-1",{}]}',
    '{"events":[{"seq":99998,"kind":"send","endpoint":0,"info":0,"detail":1,"role":"server","proto":"TCP","conn":0,"length":0}],"shared":["tcp-server-1",{}]}',
    'this is not JSON',
    'null',
    '{"id":424242}'
  ]
  for (const message of bad) toWindow!.send(message)
  await expect.poll(() => lines.filter((l) => l.startsWith('socklab: ')).length).toBe(bad.length)
  const said = lines.filter((l) => l.startsWith('socklab: '))
  expect(said).toEqual([
    'socklab: a batch of packets from the host was left out: a batch of packets came without its list (null)',
    'socklab: a batch of packets from the host was left out: packet 99999 has no valid time (undefined)',
    'socklab: a batch of events from the host was left out: event 99999 has no valid kind (undefined)',
    'socklab: a batch of events from the host was left out: event 99998 has no valid time (undefined)',
    'socklab: a message from the host was left out: it is not JSON (this is not JSON)',
    'socklab: a message from the host was left out: it is not a feed message (null)',
    'socklab: a reply from the host was left out: it says neither a value nor an error (call 424242)'
  ])
  expect(crashes).toEqual([])

  // The window works on: a real exchange reaches the consoles, the packet log and the wire view.
  await exchange(lab, 'still here')
  await expect.poll(async () => (await lab.getByTestId('wire-row').allTextContents()).filter((t) => t.includes('FIN')).length, { timeout: 15_000 }).toBe(2)
  await lab.getByTestId('view-log').click()
  // The client's send() of the 10 bytes, after the bad messages.
  await expect.poll(async () => (await logRows(lab)).some((r) => r[6].startsWith('SEND') && r[5] === '10')).toBe(true)
  expect(crashes).toEqual([])
})
