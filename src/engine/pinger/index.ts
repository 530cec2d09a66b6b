// The textbook's UDP Pinger lab: the client and the lossy server.

export * from './ping-client'
export * from './ping-message'
export * from './ping-server'
