// freePort, the tests' and the bench's: ports below the ephemeral range, free by TCP and UDP.

import dgram from 'node:dgram'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { freePort, ROOT, run } from './helpers/processes'

const FLOOR = 20_000
const CEILING = 32_767

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range that TCP and UDP can both take', async () => {
    const ports: number[] = []
    for (let i = 0; i < 20; i++) ports.push(await freePort())
    expect(new Set(ports).size).toBe(ports.length)
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(FLOOR)
      expect(port).toBeLessThanOrEqual(CEILING)
    }
    const port = ports[0]
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port }, resolve))
    const socket = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => socket.close(resolve))
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('is what the bench draws its ports from (not one the kernel picks from the ephemeral range)', async () => {
    // The bench is plain .mjs run by Node: ask a Node of its own for ports from bench/lib.mjs.
    const lib = JSON.stringify(pathToFileURL(path.join(ROOT, 'bench', 'lib.mjs')).href)
    const script = `const lib = await import(${lib}); const ports = []; for (let i = 0; i < 20; i++) ports.push(await lib.freePort()); console.log(ports.join(' ')); process.exit(0)`
    const child = await run(process.execPath, ['--input-type=module', '-e', script], undefined, 30_000)
    expect(child.stderr).toBe('')
    const ports = child.stdout.trim().split(' ').map(Number)
    expect(ports).toHaveLength(20)
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(FLOOR)
      expect(port).toBeLessThanOrEqual(CEILING)
    }
  })
})
