// The course's UDP server: each datagram (recvfrom of at most recvSize bytes) is upper-cased and
// sent back to its sender. No connections: every datagram stands alone.

import dgram from 'node:dgram'
import type { UdpServerConfig } from '../shared/contract'
import type { SockAddr } from '../shared/events'
import { formatTuple } from '../shared/events'
import type { Endpoint, Reporter } from './endpoint'
import { asciiUpper, boundAddr, sockAddr } from './endpoint'
import { explainError } from './errors'
import { bindUdp, closeUdp, datagramRead, udpTypeFor } from './udp-util'

export class UdpServer implements Endpoint {
  private socket?: dgram.Socket
  private local?: SockAddr

  constructor(
    readonly id: string,
    readonly config: UdpServerConfig,
    private readonly report: Reporter
  ) {}

  async start(): Promise<SockAddr | undefined> {
    const { address, port } = this.config
    const socket = dgram.createSocket({ type: await udpTypeFor(address) })
    await bindUdp(socket, address, port)
    this.socket = socket
    this.local = boundAddr(socket.address())
    socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo))
    socket.on('error', (err) => {
      const e = explainError(err, { address, port })
      this.report.error(e.said, e.code)
    })
    this.report.event('bind', { local: this.local, detail: { address, port: this.local?.port ?? port, recvSize: this.config.recvSize } })
    this.waiting()
    return this.local
  }

  async stop(): Promise<void> {
    const socket = this.socket
    this.socket = undefined
    if (!socket) return
    await closeUdp(socket)
    this.report.event('close', { local: this.local, detail: { closedBy: 'server', reason: 'server-stopped' } })
  }

  private waiting(): void {
    this.report.console(`Server waiting on ${formatTuple(this.config.address, this.local?.port ?? this.config.port)}`)
  }

  /**
   * Why this row shows the wildcard where the client's rows show a real address: a datagram never
   * carries 0.0.0.0 or ::, but a socket bound to it cannot tell which address a datagram came in on.
   */
  /** The wildcard address the server is bound to, if it is: its rows then say why their own address differs. */
  private wildcard(): string | undefined {
    const address = this.local?.address
    return address === '0.0.0.0' || address === '::' ? address : undefined
  }

  private onDatagram(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const socket = this.socket
    if (!socket) return
    const remote = sockAddr(rinfo.address, rinfo.port)
    const peer = formatTuple(remote?.address ?? rinfo.address, rinfo.port)
    // recvfrom(n) keeps the first n bytes of a longer datagram; the rest is gone for good.
    const request = msg.subarray(0, this.config.recvSize)
    this.report.data('recv', request, { local: this.local, remote, length: msg.length, detail: datagramRead(msg, request, this.config.recvSize, this.wildcard()) })
    this.report.console(`Received request from ${peer}`)
    const reply = asciiUpper(request)
    // Stamped as sendto() is called, before the datagram leaves.
    this.report.data('send', reply, { local: this.local, remote, detail: { what: 'bytes', wildcard: this.wildcard() } })
    socket.send(reply, rinfo.port, rinfo.address, (err) => {
      if (err) {
        const e = explainError(err, { address: rinfo.address, port: rinfo.port })
        this.report.error(e.said, e.code, { local: this.local, remote })
      } else this.report.console(`Sent reply to ${peer}`)
      if (this.socket) this.waiting()
    })
  }
}
