// The window's capture stops when the last window has gone, after a grace period: a reload (the
// window goes and comes back at once) keeps the same capture running, a closed tab stops it and
// its dumpcap and tshark (known by pid: children of this process) end.

import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Lab } from '../src/engine/lab'
import { startBrowserHost, type BrowserHost } from '../src/web-host/browser-host'
import { captureSkipReason, sleep } from './helpers/capture'
import { callVerb, labSocket, sayReady } from './helpers/lab-socket'
import { toolsUnder } from './helpers/process-tree'

const skip = await captureSkipReason()
const GRACE_MS = 2000
let host: BrowserHost | undefined
let lab: Lab | undefined
let rendererDir = ''

afterEach(async () => {
  await host?.close()
  await lab?.stopAll()
  if (rendererDir) await fs.rm(rendererDir, { recursive: true, force: true })
})

/** The pids of this process's dumpcap and tshark (tshark's own dumpcap too). */
const tools = (): number[] => toolsUnder(process.pid).map((p) => p.pid).sort()

describe.skipIf(skip || process.platform !== 'linux')('the last window gone', { timeout: 60_000 }, () => {
  it('a reload keeps the capture; a window gone for longer than the grace period stops it', async () => {
    rendererDir = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-renderer-'))
    await fs.writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>socklab</title>')
    lab = new Lab()
    host = await startBrowserHost({ lab, rendererDir, port: 0, facts: { version: 'test', sampleSite: '/nowhere' }, captureGraceMs: GRACE_MS })
    const open = async (): Promise<Awaited<ReturnType<typeof labSocket>>> => {
      const ws = await labSocket(host!.port, `?token=${host!.token}`)
      sayReady(ws, 'packets')
      return ws
    }
    let ws = await open()
    expect(await callVerb(ws, 1, 'startCapture', [])).toMatchObject({ reply: { ok: true, value: { state: 'on' } } })
    const started = (await callVerb(ws, 2, 'start', [{ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 1024 }])) as { reply: { value: { local: { port: number } } } }
    // The server's port makes the capture start again to include it (the old one retires once the
    // new one captures): the tools to watch are those of the capture that includes it, once alone.
    const port = started.reply.value.local.port
    let id = 100
    const includesPort = async (): Promise<boolean> => ((await callVerb(ws, id++, 'captureStatus', [])) as { reply: { value: { ports: number[] } } }).reply.value.ports.includes(port)
    // While the old capture retires and the new one starts, two tools may be one of each: wait for
    // the same two to stay for half a second (a CI run once read a pair that was passing).
    const settled = async (): Promise<number[]> => {
      const first = tools()
      if (first.length !== 2 || !(await includesPort())) return []
      await sleep(500)
      return JSON.stringify(tools()) === JSON.stringify(first) ? first : []
    }
    let running: number[] = []
    for (let i = 0; i < 100 && running.length === 0; i++) {
      running = await settled()
      if (running.length === 0) await sleep(50)
    }
    expect(running).toHaveLength(2)

    // A reload: the window goes and comes back at once. Past the grace period, the same capture runs.
    ws.close()
    await sleep(200)
    ws = await open()
    await sleep(GRACE_MS + 1000)
    expect(await callVerb(ws, 3, 'captureStatus', [])).toMatchObject({ reply: { ok: true, value: { state: 'on' } } })
    expect(tools()).toEqual(running)

    // The tab closed: once the grace period is over, the capture stops and its tools end.
    ws.close()
    await sleep(GRACE_MS / 2)
    expect(tools()).toEqual(running)
    const end = Date.now() + GRACE_MS + 10_000
    while (Date.now() < end && tools().length > 0) await sleep(100)
    expect(tools()).toEqual([])
    ws = await open()
    expect(await callVerb(ws, 4, 'captureStatus', [])).toMatchObject({ reply: { ok: true, value: { state: 'off' } } })
    ws.close()
  })
})
