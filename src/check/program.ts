// The student's program, run by a check: its command with {host}, {port} (and {root}) put in, in
// a process group of its own, its input written line by line, its output kept (bounded), its end
// awaited within a time limit. Whatever happens, stop() ends the whole group (the program and
// anything it started), and a check that ends early (Ctrl-C, an error) ends it too.

import { spawn, type ChildProcess } from 'node:child_process'

/** Output kept of each stream; the rest is counted, not kept. */
const KEEP = 1024 * 1024

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  /** When it ended, in ms since it started. */
  atMs: number
}

export interface Program {
  readonly argv: string[]
  stdout(): string
  stderr(): string
  /** Settles when the program ends (also when it could not start: `spawnError`). */
  readonly exited: Promise<Exit>
  exit?: Exit
  spawnError?: string
  /** Set once socklab stopped it (the run's time was up): its exit was not its own. */
  stoppedBySocklab: boolean
  /** Ends the program's whole process group (SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>
}

/** `{host}`, `{port}`, `{root}` in each argument, replaced. */
export function substitute(argv: string[], values: Record<string, string>): string[] {
  return argv.map((a) => a.replace(/\{(host|port|root)\}/g, (m, k: string) => values[k] ?? m))
}

/** A command as one could type it again in a shell: arguments with spaces or quotes single-quoted. */
export const shown = (argv: string[]): string => argv.map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')

export const mentions = (argv: string[], name: 'host' | 'port' | 'root'): boolean => argv.some((a) => a.includes(`{${name}}`))

const live = new Set<ChildProcess>()
let hooked = false

/** A check that ends for any reason leaves nothing behind: every group still running is killed. */
function hookExit(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL')
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // The group has gone already.
  }
}

export function startProgram(argv: string[], options: { input?: string[]; cwd?: string } = {}): Program {
  hookExit()
  const t0 = performance.now()
  let out = ''
  let err = ''
  // Python buffers its output into a pipe: unbuffered, what it printed before it was stopped is seen.
  const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } })
  live.add(child)
  const program: Program = {
    argv,
    stdout: () => out,
    stderr: () => err,
    stoppedBySocklab: false,
    exited: new Promise<Exit>((resolve) => {
      const done = (exit: Exit): void => {
        program.exit ??= exit
        resolve(program.exit)
      }
      child.once('error', (e: NodeJS.ErrnoException) => {
        program.spawnError = e.code === 'ENOENT' ? `${argv[0]}: command not found` : e.message
        done({ code: null, signal: null, atMs: performance.now() - t0 })
      })
      child.once('exit', (code, signal) => done({ code, signal, atMs: performance.now() - t0 }))
    }),
    async stop() {
      if (program.exit === undefined) {
        program.stoppedBySocklab = true
        killGroup(child, 'SIGTERM')
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 500)
        await program.exited
        clearTimeout(timer)
      }
      // What it started may outlive it: the group goes too.
      killGroup(child, 'SIGKILL')
      live.delete(child)
    }
  }
  child.stdout!.on('data', (d: Buffer) => {
    if (out.length < KEEP) out += d.toString('utf8')
  })
  child.stderr!.on('data', (d: Buffer) => {
    if (err.length < KEEP) err += d.toString('utf8')
  })
  // A program that never reads its input (or ends first) must not fail the check with EPIPE.
  child.stdin!.on('error', () => undefined)
  child.stdin!.end((options.input ?? []).map((l) => `${l}\n`).join(''))
  return program
}

/** The last line a program wrote on stderr (else stdout), for a "saw …" that says why it failed. */
export function lastWords(p: Program): string {
  if (p.spawnError) return p.spawnError
  const pick = (s: string): string | undefined =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1)
  return (pick(p.stderr()) ?? pick(p.stdout()) ?? '').slice(0, 200)
}
