// Meaning as data, words at the edge: a TCP exchange on real loopback sockets carries no words but
// the course programs' own lines; rendered in Italian, every event and a refused connection read in
// Italian, while the course lines stay byte for byte what the Python programs print.

import { afterEach, describe, expect, it } from 'vitest'
import { LabError } from '../../src/engine/errors'
import { sayIn } from '../../src/shared/event-words'
import { tcpClient, tcpServer, testLab, type TestLab } from '../helpers/lab'
import { freePort } from '../helpers/processes'
import { tOf, words } from '../helpers/words'

let t: TestLab
afterEach(async () => t?.close())

describe('the words of a real exchange, in Italian', () => {
  it('words every event from its detail; the course lines are the programs’ own, in every language', async () => {
    t = testLab()
    const server = await t.start(tcpServer())
    const port = server.local!.port
    const client = await t.start(tcpClient(port))
    expect((await t.lab.send(client.id, 'hello world')).reply).toBe('HELLO WORLD')
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'console' && e.info!.startsWith('Sent reply to'))
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'close')
    // The iterative server says it waits again once it has served.
    await t.waitForEvent((e) => e.endpoint === server.id && e.kind === 'console' && t.lines(server.id).length === 4)

    // Only console lines travel with words: the rest is detail, worded where shown.
    for (const e of t.events) {
      if (e.kind === 'console') expect(e.detail).toEqual({ course: true })
      else expect(e.info, `${e.kind} carries no words`).toBeUndefined()
    }
    // The course lines: the same bytes in Italian and English, as the Python programs print them.
    const lines = t.events.filter((e) => e.kind === 'console')
    for (const e of lines) {
      expect(words(e, 'it')).toBe(e.info)
      expect(words(e, 'en')).toBe(e.info)
    }
    expect(t.lines(client.id)).toEqual([`Connected to server at (127.0.0.1, ${port})`, 'Received reply <HELLO WORLD>', `Connection closed with server at (127.0.0.1, ${port})`])
    expect(t.lines(server.id)[0]).toBe(`Server waiting on (127.0.0.1, ${port})`)
    expect(t.lines(server.id).slice(1)).toEqual([expect.stringMatching(/^Received request from \(127\.0\.0\.1, \d+\)$/), expect.stringMatching(/^Sent reply to \(127\.0\.0\.1, \d+\)$/), `Server waiting on (127.0.0.1, ${port})`])

    const of = (endpoint: string, kind: string): string => words(t.events.find((e) => e.endpoint === endpoint && e.kind === kind)!, 'it')
    expect(of(server.id, 'listen')).toBe(`in ascolto su (127.0.0.1, ${port}), iterativo, recv(1024)`)
    expect(of(server.id, 'accept')).toBe('connessione da 127.0.0.1 accettata')
    expect(of(client.id, 'connect')).toMatch(/^connesso da 127\.0\.0\.1:\d+ \(three-way handshake completato\)$/)
    expect(of(client.id, 'send')).toBe('scritti 11 byte nello stream')
    expect(of(server.id, 'recv')).toMatch(/^letti 11 byte dallo stream/)
    expect(of(server.id, 'send')).toBe('scritti 11 byte nello stream')
    expect(of(client.id, 'recv')).toMatch(/^letti 11 byte dallo stream/)
    expect(of(server.id, 'close')).toBe('il server ha chiuso la connessione')
    expect(of(client.id, 'close')).toBe('il client ha chiuso la connessione')
    // And none of the Italian is the English it replaces.
    for (const e of t.events.filter((x) => x.kind !== 'console')) expect(words(e, 'it')).not.toBe(words(e, 'en'))
  })

  it('says a refused connection (ECONNREFUSED, no server on the port) in Italian, from the same data', async () => {
    t = testLab()
    const port = await freePort()
    const client = await t.start(tcpClient(port))
    const err = await t.lab.send(client.id, 'hello').then(
      () => undefined,
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(LabError)
    const e = err as LabError
    // Node's code stays, and what happened is data: the key, the address and the port.
    expect(e.code).toBe('ECONNREFUSED')
    expect(e.said).toEqual({ key: 'error:refused', params: { at: `(127.0.0.1, ${port})` } })
    expect(sayIn(tOf('it'), e.said)).toBe(`connessione rifiutata da (127.0.0.1, ${port}): nessun server è in ascolto lì`)
    // English for logs and stack traces.
    expect(e.message).toBe(`connection refused by (127.0.0.1, ${port}): no server is listening there`)
    // The error event carries the same Said, worded in the reader's language.
    const event = await t.waitForEvent((x) => x.endpoint === client.id && x.kind === 'error')
    expect(event.info).toBeUndefined()
    expect(event.code).toBe('ECONNREFUSED')
    expect(words(event, 'it')).toBe(`connessione rifiutata da (127.0.0.1, ${port}): nessun server è in ascolto lì`)
    expect(words(event, 'en')).toBe(e.message)
  })
})
