// The relay between a client and a server: UDP or TCP, impaired per direction, seeded.
//
// To see every record from the first ('listening'), construct, listen, then start:
//   const relay = new UdpRelay(config); relay.on('record', show); await relay.start()
// startRelay() starts first: its caller sees the records after 'listening' (the CLI prints its
// own start lines from relay.local and relay.seed). stats() may be read at any time; close()
// ends every flow, frees the port and emits 'closed' with the final counters.

import { TcpRelay } from './tcp-relay'
import type { Relay, RelayConfig } from './types'
import { UdpRelay } from './udp-relay'

export * from './types'
export { TcpRelay } from './tcp-relay'
export { UdpRelay } from './udp-relay'

/** Starts a relay; it listens once this resolves. */
export async function startRelay(config: RelayConfig): Promise<Relay> {
  const relay = config.proto === 'udp' ? new UdpRelay(config) : new TcpRelay(config)
  await relay.start()
  return relay
}
