// The course's HTTP client prints the reply as text: a UTF-8 page must read "è", not "Ã¨", in the
// window's console and in the CLI; socklab's own summary under the reply
// (how it was read, truncation, bytes not shown) is a note in the window's language.

import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { LabEventOf } from '../src/shared/events'
import { say } from '../src/shared/i18n/said'
import { testLab, type TestLab } from './helpers/lab'
import { langEnv, runSocklab } from './helpers/processes'
import { enT, itT } from './helpers/words'

let t: TestLab
const servers: net.Server[] = []
afterEach(async () => {
  await t?.close()
  for (const s of servers.splice(0)) s.close()
})

/** A page in UTF-8 (the sample site's are ASCII, with &egrave; and such, so that the course's client prints them). */
const PAGE = '<!doctype html><html lang="it"><meta charset="utf-8"><p>Questa pagina ti è stata inviata, più o meno perché sì.</p></html>\n'
let SITE = ''
beforeAll(async () => {
  SITE = await fs.mkdtemp(path.join(os.tmpdir(), 'socklab-utf8-site-'))
  await fs.mkdir(path.join(SITE, 'it'))
  await fs.writeFile(path.join(SITE, 'it', 'index.html'), PAGE)
})
afterAll(async () => {
  if (SITE) await fs.rm(SITE, { recursive: true, force: true })
})

/** A server that writes `parts` one by one, 30 ms apart, then closes first. */
async function rawServer(parts: Buffer[]): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined)
    socket.once('data', async () => {
      for (const part of parts) {
        if (socket.destroyed) return
        socket.write(part)
        await new Promise((r) => setTimeout(r, 30))
      }
      socket.end()
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve))
  return (server.address() as net.AddressInfo).port
}

/** A number as the Italian catalog writes it ({{x, n}}: 1.500, 2.081). */
const itN = (x: number): string => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, '.')

const head = (length: number): string => `HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${length}\r\n\r\n`

/** The console events of one endpoint: the course program's lines (info) and socklab's notes. */
const consoleOf = (id: string): LabEventOf<'console'>[] => t.events.filter((e): e is LabEventOf<'console'> => e.endpoint === id && e.kind === 'console')
const courseLines = (id: string): string[] => consoleOf(id).filter((e) => !e.detail.note).map((e) => e.info ?? '')
const notes = (id: string, lang: 'en' | 'it'): string[] => consoleOf(id).flatMap((e) => (e.detail.note ? [say(lang === 'it' ? itT : enT, e.detail.note)] : []))

async function sampleServer(): Promise<number> {
  const server = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: SITE })
  return server.local!.port
}

describe('HTTP client: the reply as UTF-8 text', () => {
  it("shows a UTF-8 page's è as è (not Ã¨), counting its bytes exactly", async () => {
    t = testLab()
    const port = await sampleServer()
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/it/`)
    const reply = courseLines(c.id).find((l) => l.startsWith('HTTP/'))
    expect(reply).toBeDefined()
    expect(reply).toContain('Questa pagina ti è stata inviata')
    expect(reply).not.toContain('Ã')
    expect(result.reply).toBe(reply)
    const reads = t.events.filter((e) => e.endpoint === c.id && e.kind === 'recv')
    expect(reads.reduce((n, e) => n + e.length, 0)).toBe(result.length)
    expect(Buffer.byteLength(reply!, 'utf8')).toBe(result.length)
  })

  it('joins a character cut between two recv(1500) calls', async () => {
    // "è" is 0xc3 0xa8: byte 1500 of the reply is its 0xc3, byte 1501 its 0xa8.
    let filler = 1400
    while (head(filler + 7).length + filler < 1499) filler++
    const body = Buffer.from(`${'a'.repeat(filler)}è fine`, 'utf8')
    const whole = Buffer.concat([Buffer.from(head(body.length)), body])
    expect(whole[1499]).toBe(0xc3)
    const at = whole.indexOf(Buffer.from('è'))
    t = testLab()
    const port = await rawServer([whole.subarray(0, at + 1), whole.subarray(at + 1)])
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    expect(result.length).toBe(whole.length)
    expect(result.reply.endsWith('è fine')).toBe(true)
    expect(result.reply).not.toContain('\ufffd')
  })

  it('shows bytes that are not UTF-8 as U+FFFD and says where the course client would stop', async () => {
    const body = Buffer.from([0x63, 0x69, 0x61, 0x6f, 0xff, 0x21])
    const whole = Buffer.concat([Buffer.from(head(body.length)), body])
    t = testLab()
    const port = await rawServer([whole])
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    expect(result.length).toBe(whole.length)
    expect(result.reply.endsWith('ciao\ufffd!')).toBe(true)
    const position = head(body.length).length + 4
    const error = `UnicodeDecodeError: 'ascii' codec can't decode byte 0xff in position ${position}: ordinal not in range(128)`
    expect(notes(c.id, 'en')).toContain(`The course's client prints reply.decode('ascii'): it would stop here with ${error}`)
    expect(notes(c.id, 'it')).toContain(`Il client del corso stampa reply.decode('ascii'): qui si fermerebbe con ${error}`)
  })
})

describe("HTTP client: socklab's summary is a note in the window's language", () => {
  it('the loop: recv() calls and bytes, in Italian and in English', async () => {
    const body = Buffer.alloc(2000, 'b')
    t = testLab()
    const port = await rawServer([Buffer.concat([Buffer.from(head(body.length)), body])])
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    const result = await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    const reads = t.events.filter((e) => e.endpoint === c.id && e.kind === 'recv').length
    const total = itN(result.length)
    expect(notes(c.id, 'it').at(-1)).toBe(`Risposta letta con ${reads} chiamate a recv(1500) fino alla chiusura da parte del server, ${total} byte`)
    expect(notes(c.id, 'en').at(-1)).toBe(`Reply read in ${reads} recv(1500) calls until the server closed, ${result.length.toLocaleString('en')} bytes`)
    // Not a course line: the course program's own lines end with the reply.
    expect(courseLines(c.id).some((l) => l.startsWith('Reply read') || l.startsWith('Risposta letta'))).toBe(false)
  })

  it('one recv(1500): the truncation judged by Content-Length, with Italian numbers and plurals', async () => {
    const body = Buffer.alloc(3000, 'b')
    const h = head(body.length)
    t = testLab()
    const port = await rawServer([Buffer.concat([Buffer.from(h), body])])
    const c = await t.start({ kind: 'http-client', recvOnce: true, family: 'IPv4' })
    await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    const got = 1500 - h.length
    const missing = 3000 - got
    expect(notes(c.id, 'it').at(-1)).toBe(
      `Risposta letta con una sola recv(1500), come nel corso: 1.500 byte, troncata: Content-Length dice 3000 byte di corpo, questa recv() ne ha ricevuti ${itN(got)}, quindi ${itN(missing)} byte non sono mai stati letti`
    )
    expect(notes(c.id, 'en').at(-1)).toBe(
      `Reply read in one recv(1500) as in the course: 1,500 bytes, truncated: Content-Length says 3000 body bytes, this recv() got ${got.toLocaleString('en')}, so ${missing.toLocaleString('en')} were never read`
    )
  })

  it('one read: "1 recv(1500) call" / "1 chiamata" (the one category)', async () => {
    // A reply the server never ends cannot be read in a loop; an empty one: the loop's one recv() returns b''.
    t = testLab()
    const port = await rawServer([])
    const c = await t.start({ kind: 'http-client', recvOnce: false, family: 'IPv4' })
    await t.lab.send(c.id, `http://127.0.0.1:${port}/`)
    expect(notes(c.id, 'it').at(-1)).toBe('Risposta letta con 1 chiamata a recv(1500) fino alla chiusura da parte del server, 0 byte')
    expect(notes(c.id, 'en').at(-1)).toBe('Reply read in 1 recv(1500) call until the server closed, 0 bytes')
  })
})

describe('socklab http-client through a pipe under LANG=it_IT.UTF-8', () => {
  it("prints a UTF-8 page's è as UTF-8 bytes, and its summary in Italian", async () => {
    t = testLab()
    const port = await sampleServer()
    const r = await runSocklab(['http-client', `http://127.0.0.1:${port}/it/`], '', 10_000, { env: langEnv('it') })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Questa pagina ti è stata inviata')
    expect(r.stdout).not.toContain('Ã')
    expect(r.stdout).toMatch(/^Risposta letta con \d+ chiamat[ae] a recv\(1500\) fino alla chiusura da parte del server, [\d.]+ byte$/m)
    expect(r.stdout).not.toContain('Reply read in')
  })
})
