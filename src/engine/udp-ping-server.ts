// The Pinger lab's server as a lab endpoint: the textbook's UDP Pinger server (pinger/ping-server.ts)
// upper-cases each ping and sends it back, except a share it drops on purpose to play a lossy
// network. Each datagram is a recv row, each reply a send row, and each drop a row of its own.

import type { SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import type { ConfigOf } from '../shared/endpoint-kinds'
import { said } from '../shared/i18n/said'
import type { Endpoint, Reporter } from './endpoint'
import { explainError } from './errors'
import { PingServer, type PingServerRecord } from './pinger'

export type UdpPingServerConfig = ConfigOf<'udp-ping-server'>

/** The textbook's recvfrom(1024). */
export const PING_RECV_SIZE = 1024

export class UdpPingServer implements Endpoint {
  private server?: PingServer
  private local?: SockAddr

  constructor(
    readonly id: string,
    readonly config: UdpPingServerConfig,
    private readonly report: Reporter
  ) {}

  /** The seed of its drops (the same seed drops the same pings), once started. */
  get seed(): number | undefined {
    return this.server?.seed
  }

  async start(): Promise<SockAddr | undefined> {
    const { address, port, loss, seed } = this.config
    const server = new PingServer({ address, port, loss, seed, recvSize: PING_RECV_SIZE })
    server.on('record', (r: PingServerRecord) => this.onRecord(r))
    try {
      this.local = await server.start()
    } catch (err) {
      throw explainError(err, { address, port, action: 'bind' })
    }
    this.server = server
    return this.local
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = undefined
    if (!server) return
    await server.close()
    this.report.event('close', { local: this.local, detail: { closedBy: 'server', reason: 'server-stopped' } })
  }

  private onRecord(r: PingServerRecord): void {
    const local = this.local ?? (r.type === 'listening' ? r.local : undefined)
    switch (r.type) {
      case 'listening': {
        this.report.event('bind', { local: r.local, detail: { address: this.config.address, port: r.local.port, recvSize: PING_RECV_SIZE } })
        const where = formatTuple(this.config.address, r.local.port)
        const lossPct = Math.round(r.lossPct * 10) / 10
        this.report.note(r.rule === 'textbook' ? said('relay:pingServer.listeningTextbook', { where, loss: lossPct, seed: r.seed }) : said('relay:pingServer.listening', { where, loss: lossPct, seed: r.seed }))
        return
      }
      case 'drop':
      case 'reply': {
        const remote = r.from
        // recvfrom(1024) keeps the first 1024 bytes of a longer datagram. A server bound to 0.0.0.0 or :: says why its rows show that address.
        const wildcard = local?.address === '0.0.0.0' || local?.address === '::' ? local.address : undefined
        this.report.data('recv', r.payload, { local, remote, length: r.bytes, detail: { what: 'datagram', recvSize: PING_RECV_SIZE, truncatedTo: r.payload.length < r.bytes ? r.payload.length : undefined, wildcard } })
        const params = { seq: r.seq ?? '?', from: formatTuple(r.from.address, r.from.port) }
        if (r.type === 'drop') {
          this.report.event('ping', { local, remote, detail: { what: 'drop', n: r.n, ...(r.seq !== undefined && { seq: r.seq }), lossPct: this.server?.lossPct ?? 0 } })
          this.report.note(said('relay:pingServer.drop', params))
        } else {
          this.report.data('send', r.reply, { local, remote, detail: { what: 'bytes', wildcard } })
          this.report.note(said('relay:pingServer.reply', params))
        }
        return
      }
      case 'error': {
        const e = explainError(Object.assign(new Error(r.message), { code: r.code }), { address: this.config.address, port: this.config.port })
        this.report.error(e.said, e.code)
      }
    }
  }
}
