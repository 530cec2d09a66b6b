// The TCP server's open connections as its panel lists them, from events recorded on real sockets:
// accepted, waiting in the backlog, closed after its exchange, and all gone when the server stops.

import { afterEach, expect, it } from 'vitest'
import { formatSockAddr } from '../../src/shared/events'
import { openConnections } from '../../src/renderer/src/stream/open-connections'
import { tcpClient, tcpServer, testLab, type TestLab } from '../helpers/lab'

let t: TestLab
afterEach(() => t?.close())

it('lists accepted and queued connections with the client address, until each closes or the server stops', async () => {
  t = testLab()
  const server = await t.start(tcpServer())
  const port = server.local!.port
  const a = await t.start(tcpClient(port))
  const b = await t.start(tcpClient(port))
  const list = (): string[] => openConnections(t.events, server.id).map((c) => `${c.conn} ${c.remote ? formatSockAddr(c.remote) : '?'} ${c.accepted ? `reads ${c.messages}` : 'waiting'}`)
  await t.lab.connect(a.id)
  await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 1)
  await t.lab.connect(b.id)
  await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued' && e.conn === 2)
  const peerOf = (id: string): string => formatSockAddr(t.events.find((e) => e.endpoint === id && e.kind === 'connect')!.local!)
  expect(list()).toEqual([`1 ${peerOf(a.id)} reads 0`, `2 ${peerOf(b.id)} waiting`])
  await t.lab.send(a.id, 'first')
  await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'accept' && e.conn === 2)
  expect(list()).toEqual([`2 ${peerOf(b.id)} reads 0`])
  const c = await t.start(tcpClient(port))
  await t.lab.connect(c.id)
  await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'queued' && e.conn === 3)
  expect(list()).toHaveLength(2)
  await t.lab.stop(server.id)
  expect(list()).toEqual([])
  expect(openConnections(t.events, undefined)).toEqual([])
})

it("a keep-open server's connection stays listed while the session sends, counting its reads, until the server closes it (closeConnection)", async () => {
  t = testLab()
  const server = await t.start(tcpServer({ keepOpen: true }))
  const client = await t.start(tcpClient(server.local!.port, { session: true }))
  for (const m of ['one', 'two', 'three']) await t.lab.send(client.id, m)
  const peer = formatSockAddr(t.events.find((e) => e.endpoint === client.id && e.kind === 'connect')!.local!)
  expect(openConnections(t.events, server.id).map((c) => `${c.conn} ${c.remote ? formatSockAddr(c.remote) : '?'} ${c.messages}`)).toEqual([`1 ${peer} 3`])
  await t.lab.closeConnection(server.id, 1)
  await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)
  expect(openConnections(t.events, server.id)).toEqual([])
})
