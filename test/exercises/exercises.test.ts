// The exercise files: every built-in one is valid; a broken file is reported alone while the others
// load; the checks are evaluated over real events of real loopback exchanges.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadExerciseFolders } from '../../src/session/exercise-files'
import { evaluate } from '../../src/shared/exercises/evaluate'
import type { Exercise } from '../../src/shared/exercises/schema'
import type { WirePacket } from '../../src/shared/wire'
import { tcpClient, tcpServer, testLab, type TestLab } from '../helpers/lab'

const BUILT_IN = path.join(__dirname, '../../resources/exercises')
let t: TestLab | undefined
const made: string[] = []
afterEach(async () => {
  await t?.close()
  t = undefined
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

function byId(id: string): Exercise {
  const ex = loadExerciseFolders([BUILT_IN]).exercises.find((e) => e.id === id)
  if (!ex) throw new Error(`no exercise ${id}`)
  return ex
}

describe('exercise files', () => {
  it('every built-in exercise is valid, with at least ten, each with both languages', () => {
    const cat = loadExerciseFolders([BUILT_IN])
    expect(cat.problems).toEqual([])
    expect(cat.exercises.length).toBeGreaterThanOrEqual(10)
    for (const e of cat.exercises) for (const w of [e.title, e.goal, e.hint]) expect(w.it).not.toBe(w.en)
  })

  it('a broken file shows its own problem and the others still load', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-ex-'))
    made.push(dir)
    fs.copyFileSync(path.join(BUILT_IN, '050-ipv6.json'), path.join(dir, 'ok.json'))
    fs.writeFileSync(path.join(dir, 'bad-json.json'), '{ "version": 1, ')
    const wrong = JSON.parse(fs.readFileSync(path.join(BUILT_IN, '010-udp-truncation.json'), 'utf8'))
    wrong.id = 'wrong-kind'
    wrong.check.all[0].events.kind = 'recieve'
    fs.writeFileSync(path.join(dir, 'bad-schema.json'), JSON.stringify(wrong))
    const code = { ...wrong, id: 'code', check: { all: [{ script: 'alert(1)' }] } }
    fs.writeFileSync(path.join(dir, 'code.json'), JSON.stringify(code))
    const cat = loadExerciseFolders([dir])
    expect(cat.exercises.map((e) => e.id)).toEqual(['ipv6'])
    expect(cat.problems.map((p) => [p.file, p.problem])).toEqual([
      ['bad-json.json', 'json'],
      ['bad-schema.json', 'schema'],
      ['code.json', 'schema'],
    ])
    expect(cat.problems[1].at).toBe('check.all.0')
    const both = loadExerciseFolders([BUILT_IN, dir])
    expect(both.problems.find((p) => p.file === 'ok.json')?.problem).toBe('duplicate-id')
  })
})

describe('checks over real events', () => {
  it('the 1,024-byte truncation: not done by a short sentence, done by 3,000 characters', async () => {
    t = testLab()
    const ex = byId('udp-truncation')
    const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 1024 })
    const client = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: server.local!.port, recvSize: 4096, timeoutMs: 5000 })
    await t.lab.send(client.id, 'short')
    expect(evaluate(ex, t.events, []).done).toBe(false)
    await t.lab.send(client.id, 'x'.repeat(3000))
    expect(evaluate(ex, t.events, []).done).toBe(true)
  })

  it('IPv6: an IPv4 connection does not count, one over ::1 does', async () => {
    t = testLab()
    const ex = byId('ipv6')
    const v4 = await t.start(tcpServer({ address: '127.0.0.1' }))
    const c4 = await t.start(tcpClient(v4.local!.port))
    await t.lab.send(c4.id, 'hi')
    expect(evaluate(ex, t.events, []).done).toBe(false)
    const v6 = await t.start(tcpServer({ address: '::1' }))
    const c6 = await t.start(tcpClient(v6.local!.port, { address: '::1' }))
    await t.lab.send(c6.id, 'hi')
    expect(evaluate(ex, t.events, []).done).toBe(true)
  })

  it('leftover bytes: the server recv(10) leaves bytes of a longer sentence', async () => {
    t = testLab()
    const ex = byId('leftover-bytes')
    const server = await t.start(tcpServer({ recvSize: 10 }))
    const client = await t.start(tcpClient(server.local!.port))
    await t.lab.send(client.id, 'abc')
    expect(evaluate(ex, t.events, []).done).toBe(false)
    const c2 = await t.start(tcpClient(server.local!.port))
    await t.lab.send(c2.id, 'x'.repeat(40))
    expect(evaluate(ex, t.events, []).done).toBe(true)
  })

  it('the handshake: packets in order within one conversation', () => {
    const ex = byId('handshake-wire')
    const p = (no: number, conversation: string, flags: WirePacket['flags']): WirePacket =>
      ({ no, time: no, proto: 'TCP', family: 'IPv4', conversation, flags, length: 0, src: { address: '127.0.0.1', port: 1, family: 'IPv4' }, dst: { address: '127.0.0.1', port: 2, family: 'IPv4' } }) as WirePacket
    expect(evaluate(ex, [], [p(1, 'TCP 0', ['SYN']), p(2, 'TCP 1', ['SYN', 'ACK']), p(3, 'TCP 0', ['ACK'])]).done).toBe(false)
    expect(evaluate(ex, [], [p(1, 'TCP 0', ['SYN']), p(2, 'TCP 0', ['SYN', 'ACK']), p(3, 'TCP 0', ['ACK'])]).done).toBe(true)
  })
})
