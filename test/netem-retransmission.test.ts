// Real TCP retransmissions in the Wire view's model: in a network namespace of its own whose
// loopback loses every third data segment (test/netem-namespace.ts says why iptables, not tc
// netem), socklab's TCP server and client exchange a 60,000-byte sentence while `socklab watch`
// captures, all three run with `ip netns exec`. The kernel sends the lost segments again; the
// capture saw both copies, and the Wire model (the conversation tracker, as the window and the
// watch run it) names the second "retransmission of seq N". Skipped, saying why, where the test
// cannot make a namespace (not root, no `ip` or `iptables`) or cannot capture.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConversationTracker } from '../src/engine/capture/conversation-tracker'
import { parseFieldLine } from '../src/engine/capture/tshark-fields'
import { createI18n } from '../src/shared/i18n/i18n'
import { stepWords, type WirePacket } from '../src/shared/wire'
import { captureSkipReason, fieldLines, sleep } from './helpers/capture'
import { SOCKLAB, start, type Running } from './helpers/processes'
import { makeNamespace, namespaces, namespaceSkipReason, type Namespace } from './netem-namespace'

const skip = namespaceSkipReason() ?? (await captureSkipReason())
const PORT = 12000
/** Ten letters 6,000 times: two segments of loopback's 64 KiB each way, and two drops at least. */
const SENTENCE = 'abcdefghij'.repeat(6000)

let ns: Namespace | undefined
const running: Running[] = []
let dir = ''

beforeAll(() => {
  if (skip) return
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-netem-'))
  ns = makeNamespace()
  ns.dropEvery(3, [PORT])
})

afterAll(async () => {
  // Whatever happened: the programs end, then the namespace goes (it would outlive us with them).
  for (const p of running) p.child.kill('SIGKILL')
  await Promise.all(running.map((p) => p.exited))
  const name = ns?.name
  ns?.remove()
  if (name) expect(namespaces()).not.toContain(name)
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** socklab inside the namespace (its words in English, whatever this machine's locale). */
function inside(args: string[], input?: string): Running {
  const p = start('ip', ns!.exec(process.execPath, [SOCKLAB, ...args, '--lang', 'en']), input)
  running.push(p)
  return p
}

async function waitFor(p: Running, pattern: RegExp, stream: 'stdout' | 'stderr', ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!pattern.test(p[stream]())) {
    if (Date.now() > end || p.child.exitCode !== null) throw new Error(`no ${pattern} on ${stream}:\nstdout:\n${p.stdout()}\nstderr:\n${p.stderr()}`)
    await sleep(25)
  }
}

describe.skipIf(skip)('real TCP retransmissions, in a namespace whose loopback loses segments', () => {
  it('the Wire model names the segments the kernel sent again, in English and Italian; the course exchange still completes', { timeout: 60_000 }, async () => {
    const file = path.join(dir, 'lossy.pcapng')
    // The watch ends at the end of its input: kept open (a pipe) until the exchange is over.
    const watch = start('ip', ns!.exec(process.execPath, [SOCKLAB, 'watch', '-p', String(PORT), '-w', file, '--lang', 'en']))
    running.push(watch)
    await waitFor(watch, /^Watching /m, 'stderr')
    const server = inside(['tcp-server', '-p', String(PORT), '--recv-size', '65536'])
    await server.waitFor(/Server waiting on/)
    const client = inside(['tcp-client', '-p', String(PORT), '-m', SENTENCE, '--recv-size', '65536', '--timeout', '20'])
    expect(await client.exited).toBe(0)
    // TCP hid the loss from the programs: the whole reply arrived (recv(65536) may return it in parts
    // as segments arrive, so at least its start, upper-cased).
    expect(client.stdout()).toMatch(/Received reply <ABCDEFGHIJ/)
    expect(ns!.dropped()).toBeGreaterThanOrEqual(1)

    await sleep(300)
    watch.child.stdin!.end()
    expect(await watch.exited).toBe(0)
    expect(watch.stderr()).toMatch(/Saved to /)

    // The model on the saved capture, as the window's session runs it.
    const packets = (await fieldLines(file)).map(parseFieldLine).filter((p): p is WirePacket => p !== null)
    const tracker = new ConversationTracker([PORT])
    packets.forEach((p) => tracker.track(p))
    const again = packets.filter((p) => p.analysis?.kind === 'retransmission')
    expect(again.length).toBeGreaterThanOrEqual(1)
    for (const p of again) {
      // The lost copy is in the capture too (dropped after the capture saw it arrive): an earlier segment of the
      // same sender that carried this one's first byte (the kernel may cut a retransmission differently).
      const first = packets.find((q) => q.no < p.no && q.sender === p.sender && q.seq! <= p.seq! && p.seq! < q.seq! + Math.max(1, q.length))
      expect(first, `the first copy of packet ${p.no}`).toBeDefined()
      expect(first!.analysis).toBeUndefined()
    }
    const en = createI18n('en').t
    const it_ = createI18n('it').t
    expect(stepWords(en, again[0])).toBe(`retransmission of seq ${again[0].seq}`)
    expect(stepWords(it_, again[0])).toBe(`ritrasmissione di seq ${again[0].seq}`)
    // The connection still opened and closed (which side first depends on when the lost bytes came: the
    // client's recv() may return before the server's FIN arrives).
    const steps = packets.map((p) => p.step).filter(Boolean)
    expect(steps.slice(0, 3)).toEqual(['handshake-1', 'handshake-2', 'handshake-3'])
    expect(steps).toContain('client-close')
    expect(steps).toContain('server-close')

    // `socklab watch` inside the namespace said it live, on the same packets.
    const lines = watch.stdout().split('\n').filter((l) => / retransmission of seq \d+$/.test(l))
    expect(lines.length).toBe(again.length)
  })
})
