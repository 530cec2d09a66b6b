// Real peers for the tests: the built socklab command, the course's Python programs, curl.

import { spawn, type ChildProcess } from 'node:child_process'
import dgram from 'node:dgram'
import net from 'node:net'
import path from 'node:path'

export const ROOT = path.resolve(__dirname, '..', '..')
export const SOCKLAB = path.join(ROOT, 'bin', 'socklab.js')
export const COURSE = path.join(ROOT, 'test', 'fixtures', 'course')

export interface Running {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the output so far once `pattern` appears in stdout (or rejects after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>
  exited: Promise<number | null>
  stop(): Promise<void>
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv
  /** Run as another user (tests run as root; some need a user the file modes apply to). */
  as?: { uid: number; gid: number }
}

export function start(command: string, args: string[], input?: string, options: StartOptions = {}): Running {
  const env = { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' }
  const child = spawn(command, args, { cwd: COURSE, stdio: ['pipe', 'pipe', 'pipe'], env, ...options.as })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  child.stdout!.on('data', (d) => {
    out += d
    for (const w of waiters) w()
  })
  child.stderr!.on('data', (d) => (err += d))
  if (input !== undefined) child.stdin!.end(input)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, ms = 8000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out)) {
            waiters.delete(check)
            clearTimeout(timer)
            resolve(out)
          }
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`timed out waiting for ${pattern} in:\n${out}\nstderr:\n${err}`))
        }, ms)
        waiters.add(check)
        check()
      })
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

export const socklab = (args: string[], input?: string): Running => start(process.execPath, [SOCKLAB, ...args], input)
export const python = (script: string, args: string[], input?: string): Running => start('python3', ['-u', path.join(COURSE, script), ...args], input)

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a program to its end (bounded by `ms`). */
export async function run(command: string, args: string[], input?: string, ms = 15_000, options: StartOptions = {}): Promise<Finished> {
  const p = start(command, args, input ?? '', options)
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms)
  const code = await p.exited
  clearTimeout(timer)
  return { code, stdout: p.stdout(), stderr: p.stderr() }
}

export const runSocklab = (args: string[], input?: string, ms?: number): Promise<Finished> => run(process.execPath, [SOCKLAB, ...args], input, ms)

// Ports handed out are drawn below the OS's ephemeral range (32768 and up on Linux, 49152 and up on
// Windows and macOS): a port the OS picked for us is an ephemeral one, which any client socket of a
// parallel test may take as its own local port a moment later, and then our server cannot listen.
const PORT_FLOOR = 20_000
const PORT_CEILING = 32_767
const handedOut = new Set<number>()

/** Whether `port` can be taken right now, by TCP and by UDP, on `host` and on every address (`::`, which on a dual-stack machine also covers 0.0.0.0). */
async function canTake(host: string, port: number): Promise<boolean> {
  const noIPv6 = (err: NodeJS.ErrnoException): boolean => err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'
  const tcp = (address: string): Promise<boolean> =>
    new Promise((resolve) => {
      const s = net.createServer()
      s.once('error', (err: NodeJS.ErrnoException) => resolve(address === '::' && noIPv6(err)))
      s.listen({ host: address, port, exclusive: true }, () => s.close(() => resolve(true)))
    })
  const udp = (address: string): Promise<boolean> =>
    new Promise((resolve) => {
      const s = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4')
      s.once('error', (err: NodeJS.ErrnoException) => {
        s.close()
        resolve(address === '::' && noIPv6(err))
      })
      s.bind({ address, port, exclusive: true }, () => s.close(() => resolve(true)))
    })
  for (const address of new Set(['::', '0.0.0.0', host])) {
    if (!(await tcp(address)) || !(await udp(address))) return false
  }
  return true
}

/** A port that was free a moment ago, for programs that cannot take port 0; never the same twice in one run. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_FLOOR + Math.floor(Math.random() * (PORT_CEILING - PORT_FLOOR + 1))
    if (handedOut.has(port)) continue
    handedOut.add(port)
    if (await canTake(host, port)) return port
  }
  throw new Error(`no free port between ${PORT_FLOOR} and ${PORT_CEILING} after 200 tries`)
}
