// A folder inside the served folder is swapped, again and again, for a symlink to a folder
// outside holding secrets, while clients fetch from it: not one byte from outside may be served,
// nor kept in the cache.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseResponses, rawHttp } from './helpers/http'
import { testLab, type TestLab } from './helpers/lab'
import { start, type Running } from './helpers/processes'

const SECRET = 'OUTSIDE-SECRET-5d1e'
const SECRET_NAME = 'outside-only-name-83c2.txt'
const BIG = 300 * 1024 // above the in-memory limit: streamed from disk on every request
const FETCHES = 2000
const SWAP_SECONDS_MAX = 60

let tmp: string
let site: string
let t: TestLab
let port: number

/**
 * <tmp>/site/d is a real folder (inside) or a symlink to <tmp>/outside, swapped by renames as fast
 * as python can: d → spare-real and spare-link → d, then back. (Node has no renameat2 to exchange
 * the two in one step; the moment with no d at all only adds 404s.)
 */
const SWAPPER = `
import os, sys, time
d, real, link, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
end = time.time() + seconds
swaps = 0
print('swapping', flush=True)
while time.time() < end and not os.path.exists(d + '.stop'):
    os.rename(d, real); os.rename(link, d)
    os.rename(d, link); os.rename(real, d)
    swaps += 1
print(swaps, flush=True)
`

beforeAll(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-race-')))
  site = path.join(tmp, 'site')
  const outside = path.join(tmp, 'outside')
  fs.mkdirSync(path.join(site, 'd'), { recursive: true })
  fs.mkdirSync(outside)
  fs.writeFileSync(path.join(site, 'd', 'small.txt'), 'inside\n')
  fs.writeFileSync(path.join(site, 'd', 'big.bin'), Buffer.alloc(BIG, 'inside '))
  fs.writeFileSync(path.join(outside, 'small.txt'), `${SECRET}\n`)
  fs.writeFileSync(path.join(outside, 'big.bin'), Buffer.alloc(BIG, `${SECRET} `))
  fs.writeFileSync(path.join(outside, SECRET_NAME), SECRET)
  fs.symlinkSync(outside, path.join(tmp, 'spare-link'))
  t = testLab()
  port = (await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root: site })).local!.port
})
afterAll(async () => {
  await t?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** Runs `work` while the swapper runs; stops it after and leaves d as the real folder. */
async function whileSwapping<T>(work: () => Promise<T>): Promise<{ result: T; swaps: number }> {
  const d = path.join(site, 'd')
  const swapper: Running = start('python3', ['-c', SWAPPER, d, path.join(tmp, 'spare-real'), path.join(tmp, 'spare-link'), String(SWAP_SECONDS_MAX)])
  try {
    await swapper.waitFor(/^swapping$/m)
    const result = await work()
    fs.writeFileSync(`${d}.stop`, '')
    await swapper.exited
    if (swapper.stderr()) throw new Error(swapper.stderr())
    return { result, swaps: Number(swapper.stdout().trim().split('\n').at(-1)) }
  } finally {
    await swapper.stop()
    fs.rmSync(`${d}.stop`, { force: true })
  }
}

describe('HTTP server: a folder swapped for a symlink while it is served', () => {
  it(`${FETCHES} fetches during the swaps: no byte from outside, then none from the cache`, async () => {
    const targets = ['/d/small.txt', '/d/big.bin', '/d/']
    const statuses = new Map<number, number>()
    const leaks: string[] = []
    const { swaps } = await whileSwapping(async () => {
      let next = 0
      const worker = async (): Promise<void> => {
        while (next < FETCHES) {
          const target = targets[next++ % targets.length]
          const reply = (await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n`)).toString('latin1')
          const status = Number(reply.split(' ')[1])
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
          if (reply.includes(SECRET) || reply.includes(SECRET_NAME)) leaks.push(`${target}: ${reply.slice(0, 300)}`)
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()])
    })
    expect(leaks).toEqual([])
    // The swaps did happen during the fetches: some found the folder, some did not.
    expect(swaps).toBeGreaterThan(100)
    expect(statuses.get(200)).toBeGreaterThan(0)
    expect(statuses.get(404)).toBeGreaterThan(0)
    // The swapping is over and d is the real folder again: what is served now, from memory or disk, is its own.
    for (let i = 0; i < 30; i++) {
      const [small] = parseResponses(await rawHttp(port, 'GET /d/small.txt HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n'))
      expect(small.body.toString()).toBe('inside\n')
    }
  }, 120_000)
})
