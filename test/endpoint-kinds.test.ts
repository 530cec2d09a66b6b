// The one table of endpoint kinds: ids are made and read back through it, and the Lab, the
// schemas and the window's labs all take role, protocol and lab from it.

import { describe, expect, it } from 'vitest'
import { argSchemas } from '../src/shared/schemas'
import { ENDPOINT_KIND_NAMES, ENDPOINT_KINDS, endpointId, kindOfId } from '../src/shared/endpoint-kinds'
import { labOf } from '../src/renderer/src/lab/lab-state'
import { testLab } from './helpers/lab'

describe('the table of endpoint kinds', () => {
  it('reads back the kind of every id it makes, and nothing else', () => {
    for (const kind of ENDPOINT_KIND_NAMES) expect(kindOfId(endpointId(kind, 12))).toBe(kind)
    for (const id of ['ftp-server-1', 'tcp-server-0', 'tcp-server-', 'tcp-1', '../../etc/passwd', 'tcp-server-1/x', 'TCP-SERVER-1']) expect(kindOfId(id)).toBeUndefined()
  })

  it('the schemas accept the ids of every kind and refuse ids of kinds not in the table', () => {
    for (const kind of ENDPOINT_KIND_NAMES) expect(argSchemas.stop.safeParse([endpointId(kind, 3)]).success).toBe(true)
    const refused = argSchemas.stop.safeParse(['ftp-server-1'])
    expect(refused.success).toBe(false)
    expect(refused.error?.issues[0].message).toBe('not an endpoint id')
  })

  it("the window files each endpoint under its kind's lab", () => {
    expect(ENDPOINT_KIND_NAMES.map((kind) => labOf(endpointId(kind, 1)))).toEqual(['tcp', 'tcp', 'udp', 'udp', 'tcp', 'udp', 'http', 'http', 'ping', 'ping'])
  })

  it("every event of an endpoint carries its kind's role and protocol", async () => {
    const t = testLab()
    try {
      const server = await t.start({ kind: 'udp-server', address: '127.0.0.1', port: 0, recvSize: 2048 })
      const client = await t.start({ kind: 'udp-client', address: '127.0.0.1', port: server.local!.port, recvSize: 2048, timeoutMs: 5000 })
      await t.lab.send(client.id, 'hi')
      for (const e of t.events) {
        const kind = kindOfId(e.endpoint)!
        expect([e.endpoint, e.role, e.proto]).toEqual([e.endpoint, ENDPOINT_KINDS[kind].role, ENDPOINT_KINDS[kind].proto])
      }
      expect(new Set(t.events.map((e) => `${e.role} ${e.proto}`))).toEqual(new Set(['server UDP', 'client UDP']))
    } finally {
      await t.close()
    }
  })
})

describe('the stream options of the TCP kinds (issue 17)', () => {
  const client = { kind: 'tcp-client', address: '127.0.0.1', port: 12000, recvSize: 1024, timeoutMs: 5000 }
  const server = { kind: 'tcp-server', address: '127.0.0.1', port: 12000, recvSize: 1024, concurrent: false, idleTimeoutMs: 0 }
  const ok = (config: object): boolean => argSchemas.start.safeParse([config]).success

  it("a window may leave them out (today's behaviour) or set them within their rules", () => {
    expect(ok(client)).toBe(true)
    expect(ok(server)).toBe(true)
    expect(ok({ ...client, chunks: 3, chunkDelayMs: 0, noDelay: false, session: true })).toBe(true)
    expect(ok({ ...client, chunks: 64, chunkDelayMs: 5000 })).toBe(true)
    expect(ok({ ...server, keepOpen: true })).toBe(true)
  })

  it('refuses values outside their rules and options of the other kind', () => {
    for (const bad of [{ chunks: 0 }, { chunks: 65 }, { chunks: 1.5 }, { chunkDelayMs: -1 }, { chunkDelayMs: 5001 }, { noDelay: 'yes' }, { session: 1 }, { keepOpen: true }]) expect(ok({ ...client, ...bad })).toBe(false)
    for (const bad of [{ keepOpen: 'yes' }, { session: true }, { chunks: 2 }]) expect(ok({ ...server, ...bad })).toBe(false)
  })
})
