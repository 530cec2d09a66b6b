// Issue 17 on the command line: `tcp-client --session` and `tcp-server --keep-open` against
// Python peers written as a student writes them from the slides (test/fixtures/peers), and
// against each other, through pipes. Real processes on loopback.

import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, ROOT, runSocklab, socklab, start, type Running } from './helpers/processes'

const PEERS = path.join(ROOT, 'test', 'fixtures', 'peers')
const running: Running[] = []
const keep = (p: Running): Running => (running.push(p), p)
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

const at = (port: number): string => `(127.0.0.1, ${port})`

describe('kept-open sessions on the command line', () => {
  it('tcp-client --session, its sentences piped in, against a Python keep-open server: one connection, a reply per line, closed at the end of the input', async () => {
    const port = await freePort('127.0.0.1')
    const server = keep(start('python3', ['-u', path.join(PEERS, 'keep_open_server.py'), String(port)]))
    await server.waitFor(/ready \d+/)
    const r = await runSocklab(['tcp-client', '-p', String(port), '--session'], 'a\nhello world\n\nlast one\n')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    // No prompt through a pipe; the empty line is skipped (send(b'') would wait forever).
    expect(r.stdout).toBe(`Connected to server at ${at(port)}\nReceived reply <A>\nReceived reply <HELLO WORLD>\nReceived reply <LAST ONE>\nConnection closed with server at ${at(port)}\n`)
    const out = await server.waitFor(/eof 1/)
    expect(out.match(/^connection \d+$/gm)).toEqual(['connection 1'])
    expect(out.match(/^got .*$/gm)).toEqual(["got b'a'", "got b'hello world'", "got b'last one'"])
  })

  it('tcp-server --keep-open answers every sentence of a Python session client on its one connection', async () => {
    const port = await freePort('127.0.0.1')
    const server = keep(socklab(['tcp-server', '-a', '127.0.0.1', '-p', String(port), '--keep-open']))
    await server.waitFor(/Server waiting on/)
    const client = start('python3', ['-u', path.join(PEERS, 'session_client.py'), String(port), 'one', 'two words', 'three'])
    expect(await client.exited).toBe(0)
    expect(client.stdout()).toBe('reply ONE\nreply TWO WORDS\nreply THREE\nclosed\n')
    const out = await server.waitFor(/(Server waiting on[^\n]*\n[\s\S]*){2}/)
    const peers = [...out.matchAll(/^Received request from (\(127\.0\.0\.1, \d+\))$/gm)].map((m) => m[1])
    expect(peers).toHaveLength(3)
    expect(new Set(peers).size).toBe(1)
    expect(out.match(/^Sent reply to .*$/gm)).toHaveLength(3)
  })

  it("socklab with itself through a pipe: printf 'a\\nb\\nc\\n' | socklab tcp-client --session --nodelay, then --chunks 2 --chunk-delay 20", async () => {
    const port = await freePort('127.0.0.1')
    const server = keep(socklab(['tcp-server', '-a', '127.0.0.1', '-p', String(port), '--keep-open', '--concurrent']))
    await server.waitFor(/Server waiting on/)
    const r = await runSocklab(['tcp-client', '-p', String(port), '--session', '--nodelay'], 'a\nb\nc\n')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`Connected to server at ${at(port)}\nReceived reply <A>\nReceived reply <B>\nReceived reply <C>\nConnection closed with server at ${at(port)}\n`)
    // Two writes per sentence: the server may read them as one or two, and answers each read; the session client reads until the whole reply is in.
    const chunked = await runSocklab(['tcp-client', '-p', String(port), '--session', '--chunks', '2', '--chunk-delay', '20'], 'hello\nworld\n')
    expect(chunked.code).toBe(0)
    expect(chunked.stdout).toBe(`Connected to server at ${at(port)}\nReceived reply <HELLO>\nReceived reply <WORLD>\nConnection closed with server at ${at(port)}\n`)
  })

  it('refuses bad stream options in the words of the window, and -m with --session', async () => {
    for (const [args, error] of [
      [['--chunks', '0'], 'ERROR: --chunks must be an integer in 1..64\n'],
      [['--chunks', '65'], 'ERROR: --chunks must be an integer in 1..64\n'],
      [['--chunk-delay', '5001'], 'ERROR: --chunk-delay must be a whole number of milliseconds in 0..5000\n'],
      [['--session', '-m', 'x'], 'ERROR: --session reads its sentences from standard input, one a line: leave out -m\n']
    ] as const) {
      const r = await runSocklab(['tcp-client', ...args])
      expect(r.code).toBe(2)
      expect(r.stderr).toBe(error)
    }
  })
})
