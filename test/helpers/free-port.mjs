// Free ports for the tests and the benchmarks (plain JavaScript so that both the TypeScript tests
// and the bench's .mjs scripts, which Node runs as they are, can import it).
//
// Ports handed out are drawn below the OS's ephemeral range (32768 and up on Linux, 49152 and up on
// Windows and macOS): a port the OS picked for us is an ephemeral one, which any client socket of a
// parallel test may take as its own local port a moment later, and then our server cannot listen.

import dgram from 'node:dgram'
import net from 'node:net'

const PORT_FLOOR = 20_000
const PORT_CEILING = 32_767
const handedOut = new Set()

/** The address family is missing on this machine (no IPv6): nothing can clash there. */
const noIPv6 = (err) => err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL'

/** Whether `port` can be taken right now, by TCP and by UDP, on `host` and on every address (`::`, which on a dual-stack machine also covers 0.0.0.0). */
async function canTake(host, port) {
  const tcp = (address) =>
    new Promise((resolve) => {
      const s = net.createServer()
      s.once('error', (err) => resolve(address === '::' && noIPv6(err)))
      s.listen({ host: address, port, exclusive: true }, () => s.close(() => resolve(true)))
    })
  const udp = (address) =>
    new Promise((resolve) => {
      const s = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4')
      s.once('error', (err) => {
        s.close()
        resolve(address === '::' && noIPv6(err))
      })
      s.bind({ address, port, exclusive: true }, () => s.close(() => resolve(true)))
    })
  for (const address of new Set(['::', '0.0.0.0', host])) {
    if (!(await tcp(address)) || !(await udp(address))) return false
  }
  return true
}

/** A port that was free a moment ago, for programs that cannot take port 0; never the same twice in one run. */
export async function freePort(host = '127.0.0.1') {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = PORT_FLOOR + Math.floor(Math.random() * (PORT_CEILING - PORT_FLOOR + 1))
    if (handedOut.has(port)) continue
    handedOut.add(port)
    if (await canTake(host, port)) return port
  }
  throw new Error(`no free port between ${PORT_FLOOR} and ${PORT_CEILING} after 200 tries`)
}
