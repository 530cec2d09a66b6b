// The course's UDP client: one datagram to the server, then wait for one reply (recvfrom) and close.
// UDP loses datagrams, so unlike the course's client this one gives up after a timeout.

import dgram from 'node:dgram'
import type { SendResult, UdpClientConfig } from '../shared/contract'
import { utf8Failure } from '../shared/utf8-check'
import { formatTuple } from '../shared/events'
import { ClientCore } from './client-core'
import { boundAddr, sockAddr } from './endpoint'
import { LabError, seconds, timedOut } from './errors'
import { resolveHost } from './net-util'
import { closeUdp, datagramRead, sourceAddressFor } from './udp-util'
import { said } from '../shared/i18n/said'

export class UdpClient extends ClientCore<UdpClientConfig> {
  private readonly sockets = new Set<dgram.Socket>()

  /** Closes the socket, as the student's Cancel asks: a wait for the reply ends now. */
  async stop(): Promise<void> {
    this.stopped = true
    await Promise.all([...this.sockets].map(closeUdp))
    this.sockets.clear()
  }

  async send(input: string): Promise<SendResult> {
    const { address, port, timeoutMs } = this.config
    const peer = formatTuple(address, port)
    let target
    try {
      target = await resolveHost(address)
    } catch (err) {
      this.fail(err, { address, port })
    }
    const type = target.family === 'IPv6' ? 'udp6' : 'udp4'
    const socket = dgram.createSocket(type)
    this.sockets.add(socket)
    const remote = sockAddr(target.address, port)
    try {
      const request = Buffer.from(input, 'utf8')
      // Asked before sending: between the send and the reply's listener nothing may wait.
      const source = await sourceAddressFor(type, target.address, port)
      // Bound first, as sendto() binds implicitly (any address, a free port): the port is known
      // when the call is stamped, before the datagram leaves.
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject)
        socket.bind(0, () => {
          socket.off('error', reject)
          resolve()
        })
      })
      const bound = boundAddr(socket.address())
      const local = bound && source ? sockAddr(source, bound.port) : bound
      this.report.data('send', request, { local, remote, detail: { what: 'bytes' } })
      await new Promise<void>((resolve, reject) => socket.send(request, port, target.address, (err) => (err ? reject(err) : resolve())))
      this.report.console('Waiting for server response...')
      const msg = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(timedOut(said('error:udpNoReply', { peer, seconds: seconds(timeoutMs) }), 'reply'))
        }, timeoutMs)
        socket.on('message', (data) => {
          clearTimeout(timer)
          resolve(data)
        })
        socket.once('error', (err) => {
          clearTimeout(timer)
          reject(err)
        })
        socket.once('close', () => {
          clearTimeout(timer)
          reject(new LabError(said('error:stoppedWaiting', { id: this.id })))
        })
      })
      const reply = msg.subarray(0, this.config.recvSize)
      this.report.data('recv', reply, { local, remote, length: msg.length, detail: { ...datagramRead(msg, reply, this.config.recvSize), undecodable: utf8Failure(reply) } })
      const text = reply.toString('utf8')
      this.report.console(text)
      return { reply: text, length: reply.length }
    } catch (err) {
      this.fail(err, { address, port }, { remote })
    } finally {
      this.sockets.delete(socket)
      await closeUdp(socket)
    }
  }
}
