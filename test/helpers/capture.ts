// Capture fixtures made by the tests themselves: dumpcap records a real loopback exchange to a
// pcapng file, and tshark turns it into the lines the parser reads (with the engine's own arguments).

import { execFile, execFileSync, spawn } from 'node:child_process'
import dgram from 'node:dgram'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { checkCapture } from '../../src/engine/capture/capture-check'
import { problemEnglish } from '../../src/engine/capture/capture-problem'
import { captureFilter } from '../../src/engine/capture/capture-filter'
import { isCapturing } from '../../src/engine/capture/capture-output'
import { loopbackInterface } from '../../src/engine/capture/tools'
import { readFileArgs } from '../../src/engine/capture/tshark-fields'

/**
 * Null where capture works; otherwise why the capture tests skip, printed once so that a skipped
 * run says so plainly.
 */
let reason: Promise<string | null> | undefined
export function captureSkipReason(): Promise<string | null> {
  reason ??= checkCapture().then((a) => {
    if (a.ok) return null
    const why = `capture tests skipped: ${problemEnglish(a.problem)}`
    console.warn(why)
    return why
  })
  return reason
}

/**
 * Why a test cannot run a program as `nobody` here (it needs root and setpriv), or null when it can;
 * `what` names the program, for the reason printed.
 */
export function unprivilegedSkipReason(what: string): string | null {
  if (process.getuid?.() !== 0) return `not root: cannot run ${what} as another user`
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' })
    return null
  } catch {
    return 'setpriv is not installed'
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `exchange` while dumpcap records the ports; returns the pcapng file (in a fresh temp folder). */
export async function record(ports: number[], exchange: () => Promise<void>): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-capture-'))
  const file = path.join(dir, 'exchange.pcapng')
  const dumpcap = spawn('dumpcap', ['-q', '-i', loopbackInterface(process.platform), '-f', captureFilter(ports), '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  const exited = new Promise<void>((resolve) => dumpcap.once('close', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dumpcap did not start:\n${err}`)), 15_000)
    dumpcap.stderr!.on('data', (d) => {
      err += d
      if (isCapturing(err)) {
        clearTimeout(timer)
        resolve()
      }
    })
    dumpcap.once('close', () => reject(new Error(`dumpcap ended:\n${err}`)))
  })
  try {
    await exchange()
    // The last packets (the final ACK) leave the kernel's capture buffer in well under this.
    await sleep(300)
  } finally {
    dumpcap.kill('SIGINT')
    await exited
  }
  return file
}

/** The lines the engine's parser would get for this pcapng file. */
export function fieldLines(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('tshark', readFileArgs(file), { encoding: 'utf8' }, (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout.split('\n').filter((l) => l !== ''))))
  })
}

/** How many packets tshark reads in a pcapng file. */
export function packetCount(file: string): Promise<number> {
  return fieldLines(file).then((lines) => lines.length)
}

export function removeFixture(file: string): void {
  fs.rmSync(path.dirname(file), { recursive: true, force: true })
}

export type Loopback = '127.0.0.1' | '::1'

export interface TcpExchange {
  host: Loopback
  serverPort: number
  clientPort: number
  request: string
  reply: string
}

/**
 * A whole TCP conversation the way the course's programs have it: the client connects and sends,
 * the server replies and closes first, the client closes after reading the reply.
 */
export async function tcpExchange(host: Loopback, serverPort: number, request = 'hello', reply = 'HELLO, WORLD'): Promise<TcpExchange> {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.end(reply))
  })
  await new Promise<void>((resolve) => server.listen(serverPort, host, resolve))
  try {
    const clientPort = await new Promise<number>((resolve, reject) => {
      const client = net.connect({ host, port: serverPort }, () => client.write(request))
      client.on('error', reject)
      client.resume()
      // localPort is gone once the socket is closed: keep it from the connect.
      let port = 0
      client.once('connect', () => (port = client.localPort ?? 0))
      client.once('close', () => resolve(port))
    })
    return { host, serverPort, clientPort, request, reply }
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

export interface UdpExchange {
  host: Loopback
  serverPort: number
  clientPort: number
  request: string
  reply: string
}

/** One datagram there and one back. */
export async function udpExchange(host: Loopback, serverPort: number, request = 'ping', reply = 'PONG!'): Promise<UdpExchange> {
  const type = host === '::1' ? 'udp6' : 'udp4'
  const server = dgram.createSocket(type)
  const client = dgram.createSocket(type)
  server.on('message', (_msg, from) => server.send(reply, from.port, from.address))
  await new Promise<void>((resolve) => server.bind(serverPort, host, resolve))
  await new Promise<void>((resolve) => client.bind(0, host, resolve))
  try {
    await new Promise<void>((resolve) => {
      client.once('message', () => resolve())
      client.send(request, serverPort, host)
    })
    return { host, serverPort, clientPort: client.address().port, request, reply }
  } finally {
    client.close()
    server.close()
  }
}
