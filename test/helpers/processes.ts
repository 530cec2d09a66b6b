// Real peers for the tests: the built socklab command, the course's Python programs, curl.

import { spawn, type ChildProcess } from 'node:child_process'
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

/**
 * An environment that speaks `lang` as a lab PC's does (LANG=it_IT.UTF-8, or C.UTF-8 for English):
 * the machine's own, without the variables that would decide before LANG.
 */
export function langEnv(lang: 'en' | 'it', base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, LANG: lang === 'it' ? 'it_IT.UTF-8' : 'C.UTF-8' }
  delete env.LC_ALL
  delete env.LC_MESSAGES
  delete env.LANGUAGE
  return env
}

export interface StartOptions {
  /** The environment; by default the machine's, in English (langEnv('en')), whatever its own locale. */
  env?: NodeJS.ProcessEnv
  /** Run as another user (tests run as root; some need a user the file modes apply to). */
  as?: { uid: number; gid: number }
}

export function start(command: string, args: string[], input?: string, options: StartOptions = {}): Running {
  const env = { ...(options.env ?? langEnv('en')), PYTHONUNBUFFERED: '1' }
  const child = spawn(command, args, { cwd: COURSE, stdio: ['pipe', 'pipe', 'pipe'], env, ...options.as })
  let out = ''
  let err = ''
  const waiters = new Set<() => void>()
  child.stdout!.on('data', (d) => {
    out += d
    for (const w of waiters) w()
  })
  child.stderr!.on('data', (d) => (err += d))
  // A program may exit without reading its input (an error at start): the pipe's EPIPE is not the test's failure.
  child.stdin!.on('error', () => undefined)
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

export const socklab = (args: string[], input?: string, options?: StartOptions): Running => start(process.execPath, [SOCKLAB, ...args], input, options)
export const python = (script: string, args: string[], input?: string, options?: StartOptions): Running => start('python3', ['-u', path.join(COURSE, script), ...args], input, options)

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

export const runSocklab = (args: string[], input?: string, ms?: number, options?: StartOptions): Promise<Finished> => run(process.execPath, [SOCKLAB, ...args], input, ms, options)

export { freePort } from './free-port.mjs'
