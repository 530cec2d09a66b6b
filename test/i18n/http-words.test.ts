// The HTTP server's notes are data, worded where they are read: in Italian for an Italian window or
// CLI, in English for an English one. What goes on the wire (status lines, error pages) is the same
// in both: the server's bytes do not depend on who reads its log.

import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { english } from '../../src/engine/english'
import { LabError } from '../../src/engine/errors'
import { createI18n } from '../../src/shared/i18n/i18n'
import { say, said, type Said } from '../../src/shared/i18n/said'
import { rawHttp } from '../helpers/http'
import { testLab, type TestLab } from '../helpers/lab'
import { freePort, ROOT, run, SOCKLAB, start } from '../helpers/processes'

const it_ = createI18n('it').t
const en = createI18n('en').t
const SITE_IT = path.join(ROOT, 'resources', 'sample-site', 'it')
const SITE_EN = path.join(ROOT, 'resources', 'sample-site', 'en')

let t: TestLab
let port: number

beforeAll(async () => {
  t = testLab()
  port = (await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: SITE_IT })).local!.port
})
afterAll(() => t.close())

/** The next note of the server whose English words end with `english`. */
async function noteEnding(english: string): Promise<Said> {
  const e = await t.waitForEvent((e) => e.kind === 'console' && !!e.detail.note && e.info?.endsWith(english) === true)
  if (e.kind !== 'console' || !e.detail.note) throw new Error('not a note')
  return e.detail.note
}

describe('HTTP server notes: meaning as data, words in the reader\'s language', () => {
  it('a 404: the Python-style log line with its reason in Italian; the page sent stays the same', async () => {
    const reply = (await rawHttp(port, 'GET /missing.html HTTP/1.0\r\n\r\n')).toString('latin1')
    expect(reply).toMatch(/^HTTP\/1.1 404 Not Found\r\n/)
    expect(reply).toContain('<p>Nothing matches the given URI.</p>')
    const note = await noteEnding('code 404, message /missing.html: no such file')
    expect(say(it_, note)).toMatch(/^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4} \d\d:\d\d:\d\d\] code 404, message \/missing\.html: file inesistente$/)
    expect(say(en, note)).toMatch(/ code 404, message \/missing\.html: no such file$/)
  })

  it('a request it cannot read: the page says why in English (protocol), the log in Italian', async () => {
    const reply = (await rawHttp(port, 'GET /path\r\nHost: x\r\n\r\n')).toString('latin1')
    expect(reply).toMatch(/^HTTP\/1.1 400 Bad Request\r\n/)
    expect(reply).toContain('<p>malformed request line &#60;GET /path&#62;</p>')
    const note = await noteEnding('code 400, message malformed request line <GET /path>')
    expect(say(it_, note)).toMatch(/ code 400, message riga di richiesta non valida <GET \/path>$/)
  })

  it('a client\'s text in a reason is a value, never read as a key or a parameter ($t(), {{ }})', () => {
    const line = 'GET $t(http:refused.climbs) {{line}} x'
    expect(english(said('http:refused.malformedRequestLine', { line }))).toBe(`malformed request line <${line}>`)
    expect(say(it_, said('http:refused.malformedRequestLine', { line }))).toBe(`riga di richiesta non valida <${line}>`)
  })

  it('a folder the policy refuses: the error says what it means, in Italian too', async () => {
    const err = await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: '/etc' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(LabError)
    const e = err as LabError
    expect(e.message).toBe('will not serve </etc>: it is a system folder; choose a folder of your own')
    expect(say(it_, e.said!)).toBe('non servo </etc>: è una cartella di sistema; scegli una cartella tua')
  })

  it('limits: numbers as Italian writes them, and the plural of the connections turned away', () => {
    const peer = '(127.0.0.1, 50000)'
    expect(say(it_, said('http:note.sendStall', { peer, seconds: 1.5 }))).toBe('(127.0.0.1, 50000) non ha letto alcun byte della risposta per 1,5 s: chiudo la connessione')
    expect(say(en, said('http:note.sendStall', { peer, seconds: 1.5 }))).toBe('(127.0.0.1, 50000) took no bytes of the reply for 1.5 s: closing the connection')
    const more = (count: number): string => say(it_, said('http:note.turnedAwayAndMore', { peer, max: 1024, count }))
    expect(more(1)).toBe("Rifiutata con 503 una connessione da (127.0.0.1, 50000): questo server ha già 1.024 connessioni, il suo limite (e un'altra dalla riga precedente di questo tipo)")
    expect(more(2)).toMatch(/ha già 1\.024 connessioni, il suo limite \(e altre 2 dalla riga precedente di questo tipo\)$/)
    expect(more(1_000_000)).toMatch(/\(e altre 1\.000\.000 dalla riga/)
  })
})

describe('the CLI: notes in the environment\'s language, the same bytes on the wire', () => {
  const italian: NodeJS.ProcessEnv = { ...process.env, LANG: 'it_IT.UTF-8' }
  delete italian.LC_ALL
  delete italian.LC_MESSAGES
  delete italian.LANGUAGE

  it('LANG=it_IT.UTF-8: the course\'s lines as they are, the 404 note in Italian, curl gets the page it always got', async () => {
    const p = await freePort()
    const server = start(process.execPath, [SOCKLAB, 'http-server', '-a', '127.0.0.1', '-p', String(p), '-d', SITE_IT], undefined, { env: italian })
    try {
      await server.waitFor(new RegExp(`^Serving at port ${p}/tcp \\.\\.\\.$`, 'm'))
      const home = await run('curl', ['-sS', '-D', '-', `http://127.0.0.1:${p}/`])
      expect(home.stdout).toMatch(/^HTTP\/1.1 200 OK\r\n[\s\S]*Content-Type: text\/html; charset=utf-8\r\n/)
      expect(home.stdout).toContain('<html lang="it">')
      expect(home.stdout).toContain('Ciao dal server HTTP di socklab')
      const missing = await run('curl', ['-sS', '-D', '-', `http://127.0.0.1:${p}/missing.html`])
      expect(missing.stdout).toMatch(/^HTTP\/1.1 404 Not Found\r\n/)
      expect(missing.stdout).toContain('<p>Nothing matches the given URI.</p>')
      await server.waitFor(/code 404, message \/missing\.html: file inesistente\n/)
      await server.waitFor(/"GET \/missing\.html HTTP\/1\.1" 404 \d+\n/)
    } finally {
      await server.stop()
    }
  })

  it('the English site under LANG=C: English notes', async () => {
    const p = await freePort()
    const server = start(process.execPath, [SOCKLAB, 'http-server', '-a', '127.0.0.1', '-p', String(p), '-d', SITE_EN], undefined, { env: { ...italian, LANG: 'C' } })
    try {
      await server.waitFor(/Serving at port/)
      const home = await run('curl', ['-sS', `http://127.0.0.1:${p}/`])
      expect(home.stdout).toContain('Hello from the socklab HTTP server')
      await run('curl', ['-sS', `http://127.0.0.1:${p}/missing.html`])
      await server.waitFor(/code 404, message \/missing\.html: no such file\n/)
    } finally {
      await server.stop()
    }
  })

  it('a refused folder is explained in Italian', async () => {
    const r = await run(process.execPath, [SOCKLAB, 'http-server', '-p', String(await freePort()), '-d', '/etc'], '', 15_000, { env: italian })
    expect(r.stderr.trim()).toBe('ERROR: non servo </etc>: è una cartella di sistema; scegli una cartella tua')
    expect(r.code).toBe(1)
  })
})
