// The CLI and a peer whose reply is a terminal's control sequences: into a pipe it prints the
// bytes as the course's Python client does (a script diffing the two sees the same), on a terminal
// it shows them as repr() writes them (\x1b[2K) instead of letting them erase the line that says the reply came.

import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ROOT, run, SOCKLAB, start, type Running } from './helpers/processes'

const running: Running[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

async function controlServer(): Promise<number> {
  const server = start('python3', ['-u', path.join(ROOT, 'test', 'fixtures', 'peers', 'control_reply_server.py')])
  running.push(server)
  return Number((await server.waitFor(/ready \d+/)).match(/ready (\d+)/)![1])
}

/** Runs `command` on a real pseudo-terminal (python's pty): stdout is a TTY, as in a student's shell. */
const onTerminal = (args: string[]): ReturnType<typeof run> =>
  run('python3', ['-c', 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, SOCKLAB, ...args], undefined, 20_000)

describe('a reply of control sequences', () => {
  it('goes raw into a pipe, as the course client prints it', async () => {
    const port = await controlServer()
    const out = await run(process.execPath, [SOCKLAB, 'tcp-client', '-p', String(port), '-m', 'hello'])
    expect(out.stdout).toContain('Received reply <ok\x1b[2K\r\x1b[1A')
    expect(out.stdout).toContain('\x1b]0;owned\x07')
  })

  it('is shown, not obeyed, on a terminal', async () => {
    const port = await controlServer()
    const out = await onTerminal(['tcp-client', '-p', String(port), '-m', 'hello'])
    // Each escape as Python's repr() writes it, in reverse video; no other escape reaches the terminal.
    const inverse = (escape: string): string => `\x1b[7m${escape}\x1b[27m`
    const shown = ['ok', '\\x1b', '[2K', '\\r', '\\x1b', '[1A', '\\x1b', '[2K', '\\x1b', '[2A', '\\x1b', '[1;1Hforged line', '\\x1b', ']0;owned', '\\x07', '\\x1b', '[2J', '\\x1b', '[H', '\\x9b', '2Kend']
    expect(out.stdout).toContain(`Received reply <${shown.map((s) => (s.startsWith('\\') ? inverse(s) : s)).join('')}>`)
    expect(out.stdout.replaceAll('\x1b[7m', '').replaceAll('\x1b[27m', '')).not.toContain('\x1b')
  })
})
