// A reply cut inside a UTF-8 character: socklab prints U+FFFD, the course's Python client crashes
// in decode() with UnicodeDecodeError. socklab must say, beside the U+FFFD, where and how the
// course's client would stop: the same fields and message as Python's own error, on real sockets.

import { afterEach, describe, expect, it } from 'vitest'
import { ConversationTracker } from '../src/engine/capture/conversation-tracker'
import { parseFieldLine } from '../src/engine/capture/tshark-fields'
import { EventRouter } from '../src/renderer/src/feed/event-router'
import { EventStore } from '../src/renderer/src/feed/event-store'
import { decodeStopWords, pythonDecodeError } from '../src/shared/event-words'
import type { LabEventOf } from '../src/shared/events'
import { utf8Failure } from '../src/shared/utf8-check'
import type { WirePacket } from '../src/shared/wire'
import { captureSkipReason, fieldLines, record, removeFixture } from './helpers/capture'
import { testLab, type TestLab } from './helpers/lab'
import { freePort, python, run, runSocklab, type Running } from './helpers/processes'
import { english } from './helpers/words'

const skip = await captureSkipReason()
const running: Running[] = []
let t: TestLab | undefined
const files: string[] = []
afterEach(async () => {
  await Promise.all([t?.close(), ...running.splice(0).map((p) => p.stop())])
  t = undefined
  files.splice(0).forEach(removeFixture)
})

/** What Python's bytes.decode() says of each byte string: null, or [start, end, reason, message]. */
async function pythonDecodes(cases: Buffer[]): Promise<([number, number, string, string] | null)[]> {
  const script = `
import json, sys
out = []
for h in json.load(sys.stdin):
    try:
        bytes.fromhex(h).decode(); out.append(None)
    except UnicodeDecodeError as e:
        out.append([e.start, e.end, e.reason, "UnicodeDecodeError: " + str(e)])
print(json.dumps(out))`
  const r = await run('python3', ['-c', script], JSON.stringify(cases.map((c) => c.toString('hex'))))
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

describe('where a strict UTF-8 decode fails, as Python says it', () => {
  it('agrees with Python on cut, invalid and valid bytes, and on 2,000 random strings', async () => {
    const cases = [
      'caff\xc3', '\xe2\x82', 'ab\x80', '\xc3(', '\xe2(\xa1', '\xe2\x82(', '\xf0\x9f\x98', '\xed\xa0\x80', '\xf4\x90', '\xff', '\xe0\x80', 'ok', 'caffè €'
    ].map((s, i) => (i === 12 ? Buffer.from(s, 'utf8') : Buffer.from(s, 'latin1')))
    // Random strings biased to the bytes that start and continue characters.
    const pool = [0x41, 0x80, 0x9f, 0xa0, 0xbf, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x8f, 0x90]
    let seed = 7
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 2000; i++) cases.push(Buffer.from(Array.from({ length: 1 + Math.floor(random() * 6) }, () => pool[Math.floor(random() * pool.length)])))
    const expected = await pythonDecodes(cases)
    const got = cases.map((c) => {
      const f = utf8Failure(c)
      return f ? [f.start, f.end, f.reason, pythonDecodeError(f)] : null
    })
    expect(got).toEqual(expected)
  })
})

describe.skipIf(skip)('a reply that recv(1024) cuts inside a character (real sockets, real capture)', { timeout: 60_000 }, () => {
  // 1,023 letters and an è (c3 a8): the course's server's recv(1024) keeps the c3 and leaves the a8.
  const sentence = `${'a'.repeat(1023)}è`

  it("the course's Python client crashes with UnicodeDecodeError; socklab's client shows U+FFFD and says where Python would stop", async () => {
    const port = await freePort()
    const server = python('tcp_server.py', ['-a', '127.0.0.1', '-p', String(port)])
    running.push(server)
    await server.waitFor(/Server waiting on/)
    const course = python('tcp_client.py', ['-a', '127.0.0.1', '-p', String(port)], `${sentence}\n`)
    running.push(course)
    expect(await course.exited).toBe(1)
    const pythonError = course.stderr().trim().split('\n').at(-1)
    expect(pythonError).toBe("UnicodeDecodeError: 'utf-8' codec can't decode byte 0xc3 in position 1023: unexpected end of data")

    t = testLab()
    const client = await t.start({ kind: 'tcp-client', address: '127.0.0.1', port, recvSize: 1024, timeoutMs: 5000 })
    let reply = ''
    const file = await record([port], async () => {
      reply = (await t!.lab.send(client.id, sentence)).reply
    })
    files.push(file)
    expect(reply).toBe(`${'A'.repeat(1023)}\uFFFD`)
    const recv = t.events.find((e): e is LabEventOf<'recv'> => e.kind === 'recv' && e.endpoint === client.id)!
    expect(recv.detail).toMatchObject({ what: 'stream', undecodable: { start: 1023, end: 1024, byte: 0xc3, reason: 'unexpected end of data' } })
    const f = 'undecodable' in recv.detail ? recv.detail.undecodable! : undefined
    expect(pythonDecodeError(f!)).toBe(pythonError)

    // On the wire the reply is whole bytes: 1,024 of them, the last one the c3 that recv() cut after.
    const packets = (await fieldLines(file)).map(parseFieldLine).filter((p): p is WirePacket => p !== null)
    const tracker = new ConversationTracker([port])
    packets.forEach((p) => tracker.track(p))
    expect(packets.filter((p) => p.sender === 'server' && p.length > 0).map((p) => p.length)).toEqual([1024])

    // The window's console: the course program's own line with its U+FFFD, and the note right under it.
    const lines: [string, string][] = []
    const router = new EventRouter(new EventStore(undefined, () => {}), { write: (_key, text, style = 'plain') => void lines.push([style, english(text)]) })
    router.route(client.id, 'client')
    router.deliver(t.events.filter((e) => e.endpoint === client.id))
    const at = lines.findIndex(([, text]) => text.startsWith('Received reply <'))
    expect(lines[at][1]).toBe(`Received reply <${'A'.repeat(1023)}\uFFFD>`)
    expect(lines[at + 1]).toEqual(['note', decodeStopWords(f!)])
    expect(lines[at + 1][1]).toContain(`the course's Python client would not print this reply, it stops here with ${pythonError}`)
    expect(lines.filter(([style]) => style === 'note')).toHaveLength(1)

    // The CLI says it on stderr, and its own lines stay the course program's.
    const cli = await runSocklab(['tcp-client', '-a', '127.0.0.1', '-p', String(port), '-m', sentence])
    expect(cli.code).toBe(0)
    expect(cli.stdout).toContain(`Received reply <${'A'.repeat(1023)}\uFFFD>`)
    expect(cli.stderr).toBe(`note: ${decodeStopWords(f!)}\n`)
  })
})
