// socklab as the HTTP/1.0 client of the course (one `GET <path> HTTP/1.0`, read to the server's
// close), against the student's web server. The files it asks for are the case's own, written in
// a folder of the check's own under the folder the server serves, and removed at the end.

import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { said } from '../shared/i18n/said'
import type { CaseFile, ItemOf } from './cases'
import { bad, compareReply, ok, quoted, type Verdict } from './result'
import { connectFailure, place, TcpConn, type ServerTarget } from './play-client'

export interface WebRoot {
  /** The folder the student's server serves. */
  root: string
  /** The check's own folder in it, e.g. `socklab-check-3f9a1c`: every path asked for starts with it. */
  folder: string
}

/** Writes the case's files into a fresh folder under `root`. */
export function writeFiles(root: string, files: CaseFile[]): WebRoot {
  const folder = `socklab-check-${crypto.randomBytes(4).toString('hex')}`
  const base = path.join(root, folder)
  fs.mkdirSync(base)
  for (const f of files) {
    const to = path.join(base, f.path)
    fs.mkdirSync(path.dirname(to), { recursive: true })
    fs.writeFileSync(to, 'text' in f ? Buffer.from(f.text, 'utf8') : Buffer.from(f.base64, 'base64'))
  }
  return { root, folder }
}

export function removeFiles(web: WebRoot): void {
  fs.rmSync(path.join(web.root, web.folder), { recursive: true, force: true })
}

export interface HttpReply {
  raw: Buffer
  statusLine: string
  status?: number
  headers: Map<string, string>
  body: Buffer
}

/** The reply's parts; a reply without a blank line has only a head. */
export function parseReply(raw: Buffer): HttpReply {
  const headEnd = raw.indexOf('\r\n\r\n')
  const head = (headEnd >= 0 ? raw.subarray(0, headEnd) : raw).toString('latin1')
  const lines = head.split(/\r?\n/)
  const statusLine = lines[0] ?? ''
  const m = /^HTTP\/\d\.\d (\d{3})(?: .*)?$/.exec(statusLine)
  const headers = new Map<string, string>()
  for (const l of lines.slice(1)) {
    const colon = l.indexOf(':')
    if (colon > 0) headers.set(l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim())
  }
  return { raw, statusLine, status: m ? Number(m[1]) : undefined, headers, body: headEnd >= 0 ? raw.subarray(headEnd + 4) : Buffer.alloc(0) }
}

/** A well-formed status line: `HTTP/1.x NNN Reason`. */
export const STATUS_LINE = /^HTTP\/1\.[01] [1-5]\d\d [^\r\n]*$/

export async function httpServerItem(item: ItemOf<'http-server'>, t: ServerTarget, ms: number, web: WebRoot | undefined, files: CaseFile[]): Promise<Verdict> {
  const conn = new TcpConn(t.host, t.port, ms)
  let problem = await conn.connected
  // A server socklab started may still be starting.
  for (const until = Date.now() + ms; problem === 'ECONNREFUSED' && t.started && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 200))
    const again = new TcpConn(t.host, t.port, ms)
    problem = await again.connected
    if (problem === undefined) return httpServerItemOn(again, item, t, ms, web, files)
  }
  if (problem !== undefined) return bad(said('check:expect.accepts', { place: place(t) }), connectFailure(problem, t, ms))
  return httpServerItemOn(conn, item, t, ms, web, files)
}

async function httpServerItemOn(conn: TcpConn, item: ItemOf<'http-server'>, t: ServerTarget, ms: number, web: WebRoot | undefined, files: CaseFile[]): Promise<Verdict> {
  const p = item.probe
  if (p.kind === 'connect') {
    conn.destroy()
    return ok()
  }
  const target = `/${web ? `${web.folder}/` : ''}${p.path}`
  conn.socket.write(`GET ${target} HTTP/1.0\r\n\r\n`)
  // An HTTP/1.0 server closes when the reply is whole.
  await conn.waitReply(ms, undefined, ms)
  conn.destroy()
  const raw = conn.data
  if (raw.length === 0) return bad(said('check:expect.httpReply', { target }), conn.ended === 'fin' ? said('check:saw.closedNoReply') : conn.ended === 'reset' ? said('check:saw.resetNoReply') : said('check:saw.noReply', { ms }))
  const reply = parseReply(raw)
  const e = p.expect
  if (e.statusLine && !STATUS_LINE.test(reply.statusLine)) return bad(said('check:expect.statusLine'), said('check:saw.statusLine', { line: quoted(reply.statusLine, 60) }))
  if (e.status !== undefined && reply.status !== e.status) {
    return bad(said('check:expect.status', { status: e.status, target }), reply.status === undefined ? said('check:saw.statusLine', { line: quoted(reply.statusLine, 60) }) : said('check:saw.status', { line: quoted(reply.statusLine, 60) }))
  }
  if (e.contentType) {
    const type = reply.headers.get('content-type')
    const main = type?.split(';')[0].trim().toLowerCase()
    if (!main || !e.contentType.map((c) => c.toLowerCase()).includes(main)) {
      return bad(said('check:expect.contentType', { types: e.contentType.join(' | '), target }), type === undefined ? said('check:saw.noContentType') : said('check:saw.contentType', { type: quoted(type, 60) }))
    }
  }
  if (e.body === 'file') {
    const f = files.find((x) => x.path === p.path)
    const want = f ? ('text' in f ? Buffer.from(f.text, 'utf8') : Buffer.from(f.base64, 'base64')) : Buffer.alloc(0)
    const v = compareReply(want, reply.body)
    if (!v.pass) return bad(said('check:expect.fileBytes', { target, what: v.expected! }), v.saw!)
  }
  return ok()
}
