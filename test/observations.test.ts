// Observations that the checks and the exercises read from the events' structured details (issue 18):
// a handshake that connect() really waited for, the TCP client's own truncation, a server's idle
// time-out as its own close reason, and which of a client's waits timed out. Real sockets on loopback.

import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventKind, LabEvent } from '../src/shared/events'
import { eventWords } from '../src/shared/event-words'
import { createI18n } from '../src/shared/i18n/i18n'
import { tcpClient, tcpServer, testLab, type TestLab } from './helpers/lab'

let t: TestLab
const cleanups: (() => void | Promise<void>)[] = []
afterEach(async () => {
  await t?.close()
  for (const c of cleanups.splice(0)) await c()
})

const all = <K extends EventKind>(endpoint: string, kind: K): Extract<LabEvent, { kind: K }>[] =>
  t.events.filter((e): e is Extract<LabEvent, { kind: K }> => e.endpoint === endpoint && e.kind === kind)

/** A raw server: on each connection, writes `reply` (and ends if `end`), else holds it open. */
async function rawServer(onConn: (s: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((s) => {
    sockets.add(s)
    s.on('error', () => undefined)
    onConn(s)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  cleanups.push(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((r) => server.close(() => r()))
  })
  return (server.address() as net.AddressInfo).port
}

describe('observations in the event details', () => {
  it('connect: the TCP and the HTTP clients both observed the handshake (connect() waited for it), and how long', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const tcp = await t.start(tcpClient(server.local!.port))
    await t.lab.send(tcp.id, 'hi')
    const site = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-obs-'))
    cleanups.push(() => fs.rmSync(site, { recursive: true, force: true }))
    fs.writeFileSync(path.join(site, 'index.html'), '<p>hi</p>')
    const web = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: site })
    const http = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await t.lab.send(http.id, `http://127.0.0.1:${web.local!.port}/index.html`)
    for (const id of [tcp.id, http.id]) {
      const [c] = all(id, 'connect')
      expect(c.detail.handshake).toBe(true)
      expect(c.detail.waitedUs).toBeGreaterThanOrEqual(0)
    }
    const en = createI18n('en').t
    expect(eventWords(all(http.id, 'connect')[0], en)).toContain('three-way handshake done')
  })

  it("the TCP client's own truncation: a full recv(1024) of a 3,000-byte reply says what was left, and that more may wait", async () => {
    t = testLab()
    const port = await rawServer((s) => s.once('data', () => s.write(Buffer.alloc(3000, 0x41))))
    const c = await t.start(tcpClient(port))
    await t.lab.send(c.id, 'give me a lot')
    const [recv] = all(c.id, 'recv')
    expect(recv.length).toBe(1024)
    if (recv.detail.what !== 'stream') throw new Error('not a stream read')
    expect(recv.detail.cut).toBeDefined()
    expect(recv.detail.cut!.atLeast).toBe(true)
    expect(recv.detail.cut!.unread).toBe(recv.detail.leftover)
    const en = createI18n('en').t
    const it_ = createI18n('it').t
    expect(eventWords(recv, en)).toMatch(/recv\(1024\) was full/)
    expect(eventWords(recv, it_)).toMatch(/recv\(1024\) era pieno/)
  })

  it('a short reply is not cut: no `cut`', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const c = await t.start(tcpClient(server.local!.port))
    await t.lab.send(c.id, 'short')
    const [recv] = all(c.id, 'recv')
    expect(recv.detail).not.toHaveProperty('cut')
  })

  it("a server's idle time-out closes with its own reason, not 'served'", async () => {
    t = testLab()
    const server = await t.start(tcpServer({ idleTimeoutMs: 300 }))
    const silent = net.connect({ host: '127.0.0.1', port: server.local!.port })
    silent.on('error', () => undefined)
    cleanups.push(() => void silent.destroy())
    const close = await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close' && e.conn === 1)
    expect(close.detail).toMatchObject({ closedBy: 'server', reason: 'idle-timeout' })
    expect(eventWords(close as LabEvent & { kind: 'close' }, createI18n('en').t)).toContain('idle time-out')
    expect(eventWords(close as LabEvent & { kind: 'close' }, createI18n('it').t)).toContain('inattività')
  })

  it('which timeout fired: reply (the server never answers) and connect (the backlog is full, SYNs dropped)', async () => {
    t = testLab()
    const quiet = await rawServer(() => undefined)
    const r = await t.start(tcpClient(quiet, { timeoutMs: 300 }))
    await expect(t.lab.send(r.id, 'anyone?')).rejects.toMatchObject({ code: 'ETIMEDOUT' })
    expect(all(r.id, 'error').map((e) => e.detail.timeout)).toEqual(['reply'])

    // A listening socket that never accepts, its backlog filled: the kernel drops the next SYNs.
    const py: ChildProcess = spawn('python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(30)'])
    cleanups.push(() => void py.kill())
    const port = await new Promise<number>((resolve) => py.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))))
    const fillers: net.Socket[] = []
    for (let i = 0; i < 3; i++) {
      const f = net.connect({ host: '127.0.0.1', port })
      f.on('error', () => undefined)
      fillers.push(f)
    }
    cleanups.push(() => fillers.forEach((f) => f.destroy()))
    await new Promise((res) => setTimeout(res, 200))
    const c = await t.start(tcpClient(port, { timeoutMs: 400 }))
    await expect(t.lab.send(c.id, 'hello?')).rejects.toMatchObject({ code: 'ETIMEDOUT' })
    expect(all(c.id, 'error').map((e) => e.detail.timeout)).toEqual(['connect'])
    expect(all(c.id, 'connect')).toEqual([])
  })
})
