// What a killed or hung-up socklab leaves running: nothing. `socklab web` and `socklab watch`,
// capturing, are sent SIGKILL or SIGHUP as real processes; their dumpcap and tshark (known by pid,
// as the children of that socklab process, never by name) must be gone within seconds, and their
// folders in the temp folder too. A folder a dead run left is removed at the next start, while a
// live run's and another user's are not.

import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { captureSkipReason, sleep } from './helpers/capture'
import { callVerb, labSocket, sayReady, startWebHost } from './helpers/lab-socket'
import { socklab, type Running } from './helpers/processes'
import { alive, descendants, toolsUnder, type Proc } from './helpers/process-tree'

const skip = await captureSkipReason()
const running: Running[] = []
const made: string[] = []
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
  made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }))
})

/** The temp folders the tools of a run work in, from their own command lines (pipe, pcapng file). */
function foldersOf(tools: Proc[]): string[] {
  const args = tools.flatMap((t) => {
    try {
      return fs.readFileSync(`/proc/${t.pid}/cmdline`, 'utf8').split('\0')
    } catch {
      return []
    }
  })
  const inTmp = new RegExp(`^(${os.tmpdir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/socklab-[^/]+)/`)
  return [...new Set(args.flatMap((a) => inTmp.exec(a)?.[1] ?? []))]
}

/** Waits until the socklab process `pid` has both capture tools running under it; returns them. */
async function toolsOf(pid: number): Promise<Proc[]> {
  const end = Date.now() + 20_000
  for (;;) {
    const tools = toolsUnder(pid)
    if (tools.some((t) => t.comm === 'dumpcap') && tools.some((t) => t.comm === 'tshark')) return tools
    if (Date.now() > end) throw new Error(`no dumpcap and tshark under ${pid}: ${JSON.stringify(descendants(pid))}`)
    await sleep(50)
  }
}

/** Sends `sig` and expects the tools and folders of that run gone within `ms`. */
async function expectNothingLeft(p: Running, sig: NodeJS.Signals, ms = 5000): Promise<void> {
  const pid = p.child.pid!
  const tools = await toolsOf(pid)
  const folders = foldersOf(tools)
  expect(folders.length).toBeGreaterThan(0)
  p.child.kill(sig)
  await p.exited
  const end = Date.now() + ms
  const left = (): string[] => folders.filter((d) => fs.existsSync(d))
  while (Date.now() < end && (tools.some(alive) || left().length > 0)) await sleep(100)
  expect(tools.filter(alive).map((t) => `${t.comm} ${t.pid}`)).toEqual([])
  expect(left()).toEqual([])
}

/** `socklab watch` capturing on a port nobody uses. */
async function watching(): Promise<Running> {
  const w = socklab(['watch', '-p', '9'])
  running.push(w)
  const end = Date.now() + 20_000
  while (!/^Watching /m.test(w.stderr())) {
    if (Date.now() > end || w.child.exitCode !== null) throw new Error(`watch did not start:\n${w.stderr()}`)
    await sleep(25)
  }
  return w
}

/** `socklab web` whose window has started the capture, with a server so that there is a port to capture. */
async function webCapturing(): Promise<Running> {
  const host = await startWebHost()
  running.push(host.process)
  const ws = await labSocket(host.port, `?token=${host.token}`)
  sayReady(ws, 'packets')
  expect(await callVerb(ws, 1, 'startCapture', [])).toMatchObject({ reply: { ok: true } })
  await callVerb(ws, 2, 'start', [{ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 1024 }])
  return host.process
}

/**
 * `socklab web` whose window's capture includes a server's port, alone (the capture before it has
 * retired): its tshark, and the dumpcap that tshark started for itself.
 */
async function tsharkSettled(): Promise<{ web: Running; tshark: Proc; own: Proc[] }> {
  const host = await startWebHost()
  running.push(host.process)
  const pid = host.process.child.pid!
  const ws = await labSocket(host.port, `?token=${host.token}`)
  sayReady(ws, 'packets')
  await callVerb(ws, 1, 'startCapture', [])
  const started = (await callVerb(ws, 2, 'start', [{ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 1024 }])) as { reply: { value: { local: { port: number } } } }
  const port = started.reply.value.local.port
  const end = Date.now() + 20_000
  for (let id = 10; ; id++) {
    const status = (await callVerb(ws, id, 'captureStatus', [])) as { reply: { value: { ports: number[] } } }
    const tsharks = toolsUnder(pid).filter((t) => t.comm === 'tshark')
    const own = tsharks.length === 1 ? descendants(tsharks[0].pid).filter((t) => t.comm === 'dumpcap') : []
    if (status.reply.value.ports.includes(port) && own.length === 1) return { web: host.process, tshark: tsharks[0], own }
    if (Date.now() > end) throw new Error(`no settled capture under ${pid}: ${JSON.stringify(descendants(pid))}`)
    await sleep(50)
  }
}

describe.skipIf(skip)('a socklab that ends unexpectedly leaves no capture running', { timeout: 45_000 }, () => {
  it('socklab watch, SIGKILL: its dumpcap and tshark end within seconds, its folder is removed', async () => {
    await expectNothingLeft(await watching(), 'SIGKILL')
  })

  it('socklab watch, SIGHUP (its terminal closed): a clean stop', async () => {
    const w = await watching()
    await expectNothingLeft(w, 'SIGHUP')
    expect(await w.exited).toBe(0)
  })

  it('socklab web, SIGKILL: the same', async () => {
    await expectNothingLeft(await webCapturing(), 'SIGKILL')
  })

  // The window's capture has tshark capture itself (it writes the export file), so tshark starts a
  // dumpcap of its own, which socklab does not know by pid: it ends with tshark's process group.
  it('a tshark killed while socklab runs (a crash): the dumpcap it started ends too', async () => {
    const { tshark, own } = await tsharkSettled()
    process.kill(tshark.pid, 'SIGKILL')
    const end = Date.now() + 5000
    while (Date.now() < end && own.some(alive)) await sleep(100)
    expect(own.filter(alive).map((t) => `${t.comm} ${t.pid}`)).toEqual([])
  })

  it('socklab web, SIGKILL while its tshark does not answer (stopped): the watchdog ends tshark and the dumpcap tshark started', async () => {
    const { web, tshark } = await tsharkSettled()
    const pid = web.child.pid!
    process.kill(tshark.pid, 'SIGSTOP')
    web.child.kill('SIGKILL')
    await web.exited
    // Every tool that works in this run's folders, whoever its parent is now: the capture that
    // retired for the server's port may have left one too.
    const ofRun = (): string[] =>
      fs.readdirSync('/proc').flatMap((d) => {
        if (!/^\d+$/.test(d)) return []
        try {
          const args = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8')
          return /(dumpcap|tshark)\0/.test(args) && new RegExp(`socklab-(capture|feed)-${pid}-`).test(args) ? [`${d} ${args.split('\0')[0]}`] : []
        } catch {
          return []
        }
      })
    const end = Date.now() + 8000
    while (Date.now() < end && ofRun().length > 0) await sleep(100)
    expect(ofRun()).toEqual([])
  })

  it('socklab web, SIGHUP: the same, and it exits by itself', async () => {
    const web = await webCapturing()
    await expectNothingLeft(web, 'SIGHUP')
    expect(web.child.signalCode).toBe(null)
  })
})

describe('folders left by a run that could not clean up', () => {
  const mk = (name: string): string => {
    const dir = path.join(os.tmpdir(), name)
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'capture-1.pcapng'), 'left behind')
    made.push(dir)
    return dir
  }

  it.skipIf(process.getuid?.() !== 0)("are removed at the next start when their run is gone, and only this user's", async () => {
    // A pid that was a process and no longer is.
    const gone = spawnSync('true').pid!
    const live = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const stale = mk(`socklab-capture-${gone}-Ab12Cd`)
      const staleFeed = mk(`socklab-feed-${gone}-Ef34Gh`)
      const liveRun = mk(`socklab-capture-${live.pid}-Ij56Kl`)
      const otherUser = mk(`socklab-capture-${gone}-Mn78Op`)
      fs.chownSync(otherUser, 65534, 65534)
      const host = await startWebHost()
      running.push(host.process)
      expect([stale, staleFeed].filter((d) => fs.existsSync(d))).toEqual([])
      expect([liveRun, otherUser].filter((d) => fs.existsSync(d))).toEqual([liveRun, otherUser])
      expect(fs.readFileSync(path.join(liveRun, 'capture-1.pcapng'), 'utf8')).toBe('left behind')
    } finally {
      live.kill('SIGKILL')
    }
  })
})
