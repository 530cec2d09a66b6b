// The Check panel's host verb: what a page may ask (zod, strict: a server by address and port,
// nothing that starts a program), and what it answers for a real server on loopback.

import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { argSchemas } from '../src/shared/schemas'
import { checkServer } from '../src/session/check-server'

const ok = (r: unknown): boolean => argSchemas.checkServer.safeParse([r]).success

describe('checkServer: what a page may ask', () => {
  it('takes a server check by address and port, and refuses anything else', () => {
    expect(ok({ what: 'tcp-server', address: '127.0.0.1', port: 12000, family: 'IPv4' })).toBe(true)
    expect(ok({ what: 'udp-server', address: '::1', port: 12000, family: 'IPv6', concurrent: false })).toBe(true)
    expect(ok({ what: 'http-server', address: '127.0.0.1', port: 6789, family: 'IPv4', root: '/home/me/www' })).toBe(true)
    // A client check would run the student's command: a page may not start a program.
    expect(ok({ what: 'tcp-client', address: '127.0.0.1', port: 12000, family: 'IPv4' })).toBe(false)
    expect(ok({ what: 'tcp-server', address: '127.0.0.1', port: 12000, family: 'IPv4', argv: ['python3', 'x.py'] })).toBe(false)
    expect(ok({ what: 'tcp-server', address: '127.0.0.1', port: 0, family: 'IPv4' })).toBe(false)
    expect(ok({ what: 'tcp-server', address: '', port: 12000, family: 'IPv4' })).toBe(false)
    expect(ok({ what: 'http-server', address: '127.0.0.1', port: 6789, family: 'IPv4' })).toBe(false)
    expect(ok({ what: 'http-server', address: '127.0.0.1', port: 6789, family: 'IPv4', root: 'relative/www' })).toBe(false)
  })
})

describe('checkServer: a real server on loopback', () => {
  let server: net.Server | undefined
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

  it('an echo server (no upper-casing) passes the gates and fails upper-case, with expected and saw as data', async () => {
    server = net.createServer((s) => {
      s.on('error', () => undefined)
      s.once('data', (d) => s.end(d.subarray(0, 1024)))
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const port = (server.address() as net.AddressInfo).port
    const r = await checkServer({ what: 'tcp-server', address: '127.0.0.1', port, family: 'IPv4' })
    const status = Object.fromEntries(r.items.map((i) => [i.id, i.status]))
    expect(status).toMatchObject({ listens: 'pass', answers: 'pass', 'upper-case': 'fail' })
    const upper = r.items.find((i) => i.id === 'upper-case')!
    expect(upper.verdict?.expected?.key).toBe('check:data.bytes')
    expect(upper.verdict?.saw?.params).toMatchObject({ text: '"hello world, from socklab!"' })
    expect(r.passed).toBe(false)
    expect(r.score).toBeLessThan(r.maxScore)
  }, 30_000)
})
