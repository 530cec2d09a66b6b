// Windows on one browser host tell each other what they show (for a projector that follows the
// instructor's window): over real WebSockets, each window gets a number it keeps over a reload,
// speaks only for itself, and every view it says is checked by the host.

import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type WebSocket from 'ws'
import type { HostMessage } from '../src/shared/ws-protocol'
import type { WindowsMessage, WindowsState } from '../src/shared/window-views'
import { Lab } from '../src/engine/lab'
import { startBrowserHost, type BrowserHost } from '../src/web-host/browser-host'
import { callVerb, labSocket } from './helpers/lab-socket'

let rendererDir: string
let host: BrowserHost
let lab: Lab

beforeAll(async () => {
  rendererDir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-follow-'))
  await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>socklab</title>')
})
afterAll(() => fs.rm(rendererDir, { recursive: true, force: true }))
afterEach(async () => {
  await host?.close()
  await lab?.stopAll()
})

async function boot(): Promise<void> {
  lab = new Lab()
  host = await startBrowserHost({ lab, rendererDir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' } })
}

const windowOf = (): Promise<WebSocket> => labSocket(host.port, `?token=${new URL(host.url).searchParams.get('token')}`)
const view = (tab = 'tcp:client:1', extra: Record<string, unknown> = {}): Record<string, unknown> => ({ lab: 'tcp', tabs: [{ key: 'tcp:client:1' }, { key: 'tcp:client:2' }], tab, view: 'log', ...extra })

async function show(ws: WebSocket, id: number, args: unknown[]): Promise<Extract<HostMessage, { id: number }>['reply']> {
  return ((await callVerb(ws, id, 'showView', args)) as Extract<HostMessage, { id: number }>).reply
}

/** The next windows message a window gets. */
function nextWindows(ws: WebSocket, where: (m: WindowsMessage) => boolean): Promise<WindowsMessage> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData): void => {
      const m = JSON.parse(data.toString()) as HostMessage
      if ('windows' in m && where(m)) {
        ws.off('message', on)
        resolve(m)
      }
    }
    ws.on('message', on)
  })
}

describe('windows following each other', () => {
  it('numbers each window, tells the others what it shows, and gives a reloaded window its number back', async () => {
    await boot()
    const a = await windowOf()
    const b = await windowOf()
    const first = (await show(a, 1, [view()])) as { ok: true; value: WindowsState }
    expect(first.ok).toBe(true)
    const second = (await show(b, 1, [view()])) as { ok: true; value: WindowsState }
    expect([first.value.self.n, second.value.self.n]).toEqual([1, 2])

    // A's change reaches B, with A's number.
    const told = nextWindows(b, (m) => m.windows.some((w) => w.n === 1 && w.view?.tab === 'tcp:client:2'))
    await show(a, 2, [view('tcp:client:2', { view: 'wire', row: 7 })])
    expect((await told).windows.find((w) => w.n === 1)).toEqual({ n: 1, open: true, view: { ...view('tcp:client:2'), view: 'wire', row: 7 } })

    // A goes (a reload): B is told, and A keeps its number with its token. B cannot take it while A is open.
    const gone = nextWindows(b, (m) => m.windows.some((w) => w.n === 1 && !w.open))
    a.close()
    await gone
    const again = await windowOf()
    const back = (await show(again, 1, [view(), first.value.self.token])) as { ok: true; value: WindowsState }
    expect(back.value.self).toEqual(first.value.self)
    const thief = await windowOf()
    const other = (await show(thief, 1, [view(), first.value.self.token])) as { ok: true; value: WindowsState }
    expect(other.value.self.n).toBe(3)
    expect(other.value.self.token).not.toBe(first.value.self.token)
    // No window is ever told another's token.
    expect(JSON.stringify(other.value.windows)).not.toContain(first.value.self.token)
    for (const ws of [b, again, thief]) ws.close()
  })

  it('refuses a view it cannot check, in one line, and the window goes on', async () => {
    await boot()
    const ws = await windowOf()
    const bad: [unknown[], RegExp][] = [
      [[{ ...view(), lab: 'ftp' }], /showView: 0\.lab: /],
      [[view('udp:client:1')], /another lab/],
      [[{ ...view(), tabs: [{ key: 'tcp:server' }] }], /another lab/],
      [[{ ...view(), tabs: [{ key: 'tcp:client:1', endpoint: 'udp-client-1' }] }], /does not speak in that console/],
      [[{ ...view(), view: 'shell' }], /showView: 0\.view: /],
      [[{ ...view(), row: -1 }], /showView: 0\.row: /],
      [[{ ...view(), run: 'rm -rf /' }], /unrecognized|Unrecognized/],
      [[view(), 'not-a-token'], /not a window token/],
      [[{ ...view(), tabs: Array.from({ length: 65 }, (_, i) => ({ key: `tcp:client:${i + 1}` })) }], /showView: 0\.tabs: /]
    ]
    let id = 1
    for (const [args, error] of bad) {
      const reply = await show(ws, id++, args)
      expect(reply.ok, JSON.stringify(args).slice(0, 80)).toBe(false)
      if (!reply.ok) {
        expect(reply.error).toMatch(error)
        expect(reply.error).not.toContain('\n')
      }
    }
    expect((await show(ws, id++, [view()])).ok).toBe(true)
    ws.close()
  })
})
