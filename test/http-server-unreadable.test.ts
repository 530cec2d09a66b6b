// A file the server may not read (mode 000) gets 403 for GET and HEAD, the requests pipelined
// behind it are answered, and the log says the file cannot be read. Tests run as root, whom file
// modes do not stop: the server runs here as `nobody`, a user they do stop.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResponses, rawHttp } from './helpers/http'
import { freePort, SOCKLAB, start, type Running } from './helpers/processes'

let tmp: string
let port: number
let server: Running

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-unreadable-'))
  fs.chmodSync(tmp, 0o755)
  fs.writeFileSync(path.join(tmp, 'ok.txt'), 'ok\n')
  fs.writeFileSync(path.join(tmp, 'locked.txt'), 'locked\n')
  // Big enough to be streamed from disk rather than kept in memory: both paths must refuse.
  fs.writeFileSync(path.join(tmp, 'locked-big.bin'), Buffer.alloc(1024 * 1024, 1))
  fs.chmodSync(path.join(tmp, 'ok.txt'), 0o644)
  fs.chmodSync(path.join(tmp, 'locked.txt'), 0o000)
  fs.chmodSync(path.join(tmp, 'locked-big.bin'), 0o000)
  const nobody = { uid: Number(execFileSync('id', ['-u', 'nobody']).toString()), gid: Number(execFileSync('id', ['-g', 'nobody']).toString()) }
  port = await freePort()
  server = start(process.execPath, [SOCKLAB, 'http-server', '-a', '127.0.0.1', '-p', String(port), '-d', tmp], undefined, { as: nobody })
  await server.waitFor(/^Serving at port/m)
})
afterAll(async () => {
  await server?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const request = (method: string, target: string, close = true): string => `${method} ${target} HTTP/1.1\r\nHost: lab\r\n${close ? 'Connection: close\r\n' : ''}\r\n`

describe('HTTP server: a file it cannot read', () => {
  it.each(['/locked.txt', '/locked-big.bin'])('%s: 403 for GET and for HEAD', async (target) => {
    const [got] = parseResponses(await rawHttp(port, request('GET', target)))
    expect(got.status).toBe(403)
    expect(got.body.toString()).toContain('403 Forbidden')
    const [head] = parseResponses(await rawHttp(port, request('HEAD', target)), new Set([0]))
    expect(head.status).toBe(403)
  })

  it('the requests pipelined behind it are answered, in order', async () => {
    const reply = await rawHttp(port, request('GET', '/locked.txt', false) + request('HEAD', '/locked-big.bin', false) + request('GET', '/ok.txt'))
    const rs = parseResponses(reply, new Set([1]))
    expect(rs.map((r) => r.status)).toEqual([403, 403, 200])
    expect(rs[2].body.toString()).toBe('ok\n')
  })

  it('the log says that the file cannot be read', async () => {
    await server.waitFor(/code 403, message \/locked\.txt: the file cannot be read \(permission denied\)\n.*"GET \/locked\.txt HTTP\/1\.1" 403 \d+/)
    // Nothing but socklab's own note on a loopback-bound server.
    expect(server.stderr().replace(/^socklab: bound to 127\.0\.0\.1 \(loopback\).*\n/m, '')).toBe('')
  })
})
