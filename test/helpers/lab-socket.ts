// The browser host's WebSocket as a test drives it: open one as the lab window would (token and
// Origin), call verbs, and start `socklab web` as a separate process whose memory can be read.

import WebSocket from 'ws'
import fs from 'node:fs'
import type { FeedName } from '../../src/shared/feed'
import type { HostMessage, ViewerMessage } from '../../src/shared/ws-protocol'
import { socklab, type Running } from './processes'

/** Opens the lab's WebSocket on 127.0.0.1:port; `query` and `headers` may be wrong on purpose. */
export function labSocket(port: number, query: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/lab${query}`, { headers: { Origin: `http://127.0.0.1:${port}`, ...headers } })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

/** Calls one verb and resolves with the host's reply message (ids are the caller's to choose). */
export function callVerb(ws: WebSocket, id: number, verb: string, args: unknown[]): Promise<HostMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(data.toString()) as HostMessage
      if ('id' in msg && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg)
      }
    }
    ws.on('message', onMessage)
    ws.send(JSON.stringify({ id, verb, args }))
  })
}

/** Says the window is ready for these feeds: the host sends what it holds, then live. */
export function sayReady(ws: WebSocket, ...feeds: FeedName[]): void {
  for (const feed of feeds) ws.send(JSON.stringify({ ready: feed } satisfies ViewerMessage))
}

/** The seq of the newest event the host holds, from the replay a new window gets (once the lab is quiet). */
export async function newestHeldSeq(port: number, token: string): Promise<number> {
  const ws = await labSocket(port, `?token=${token}`)
  let newest = 0
  let last = Date.now()
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as HostMessage
    if ('events' in m && m.events.length) newest = Math.max(newest, m.events[m.events.length - 1].seq)
    last = Date.now()
  })
  sayReady(ws, 'events')
  while (Date.now() - last < 500) await new Promise((resolve) => setTimeout(resolve, 100))
  ws.close()
  return newest
}

export interface WebHost {
  process: Running
  port: number
  token: string
  url: string
  /** The host process's resident memory now, in MB (from /proc). */
  rssMB(): number
}

/** `socklab web -p 0` as a user starts it, in a process of its own. */
export async function startWebHost(): Promise<WebHost> {
  const p = socklab(['web', '-p', '0'])
  // The address ends its line, in every language.
  const out = await p.waitFor(/ http:\/\/\S+\n/, 15_000)
  const url = new URL(/ (http:\/\/\S+)\n/.exec(out)![1])
  const pid = p.child.pid!
  return {
    process: p,
    port: Number(url.port),
    token: url.searchParams.get('token')!,
    url: url.href,
    rssMB: () => rssMB(pid)
  }
}

export function rssMB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024
}
