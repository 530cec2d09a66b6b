// The in-memory cache of the HTTP server's files, with the ready-made responses that answer the
// common request at once: each server has its own, it is bounded (ready-made responses counted),
// and a file changed on disk is not served from it for longer than a second.

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseTarget, type SafeTarget } from '../src/engine/http/safe-path'
import { StaticFiles, type FileEntry } from '../src/engine/http/static-files'
import { exchangeOnOneConnection, get, parseResponses, rawHttp } from './helpers/http'
import { testLab, type TestLab } from './helpers/lab'

let tmp: string
let t: TestLab

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-cache-')))
  t = testLab()
})
afterAll(async () => {
  await t.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const target = (p: string): SafeTarget => parseTarget(p) as SafeTarget
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A folder with the given files, under the test's temp folder. */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(tmp, name)
  fs.mkdirSync(dir)
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), content)
  return dir
}

async function serve(root: string): Promise<number> {
  return (await t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root })).local!.port
}

describe('HTTP server cache: one per server', () => {
  it('two servers on two folders with the same names never answer with each other\'s bytes', async () => {
    const pages = ['index.html', 'page.txt', 'same-size.txt']
    const a = folder('site-a', { 'index.html': '<h1>site A</h1>\n', 'page.txt': 'A'.repeat(3000), 'same-size.txt': 'from A\n' })
    const b = folder('site-b', { 'index.html': '<h1>site B, longer</h1>\n', 'page.txt': 'B'.repeat(5000), 'same-size.txt': 'from B\n' })
    const [portA, portB] = [await serve(a), await serve(b)]
    // Turn by turn, so that each answer comes from a cache the other server has just filled.
    for (let round = 0; round < 20; round++) {
      for (const [port, dir] of [[portA, a], [portB, b]] as const) {
        const page = pages[round % pages.length]
        const expected = fs.readFileSync(path.join(dir, page))
        const whole = await get(port, `/${page === 'index.html' ? '' : page}`)
        expect(whole.body).toEqual(expected)
        // Kept alive (the other ready-made response), a range, a HEAD: all this server's own.
        const [kept, range] = await exchangeOnOneConnection(port, [`GET /${page} HTTP/1.1\r\nHost: x\r\n\r\n`, `GET /${page} HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\nConnection: close\r\n\r\n`])
        expect(kept.body).toEqual(expected)
        expect(range.body).toEqual(expected.subarray(0, 4))
        const [headOnly] = parseResponses(await rawHttp(port, `HEAD /${page} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), new Set([0]))
        expect(headOnly.headers.get('content-length')).toBe(String(expected.length))
      }
    }
  })
})

describe('HTTP server cache: a file changed on disk', () => {
  it('is served anew once a second has passed, not from its ready-made response (same size, same name)', async () => {
    const dir = folder('changing', { 'note.txt': 'version 1\n' })
    const port = await serve(dir)
    // Twice: the second answer is the cache's ready-made response.
    expect((await get(port, '/note.txt')).body.toString()).toBe('version 1\n')
    expect((await get(port, '/note.txt')).body.toString()).toBe('version 1\n')
    fs.writeFileSync(path.join(dir, 'note.txt'), 'version 2\n')
    const later = new Date(Date.now() + 5000)
    fs.utimesSync(path.join(dir, 'note.txt'), later, later)
    // The cache trusts an entry for a second (REVALIDATE_MS) after it last asked the disk.
    await sleep(1100)
    const fresh = await get(port, '/note.txt')
    expect(fresh.body.toString()).toBe('version 2\n')
    expect(fresh.headers.get('last-modified')).toBe(new Date(Math.floor(later.getTime() / 1000) * 1000).toUTCString())
  })

  it('a file removed is 404 once a second has passed, and not kept', async () => {
    const dir = folder('removing', { 'gone.txt': 'here\n' })
    const files = new StaticFiles(dir, false)
    expect(((await files.lookUp(target('/gone.txt'))) as FileEntry).body?.toString()).toBe('here\n')
    expect(files.usage()).toEqual({ entries: 1, bytes: 5 })
    fs.rmSync(path.join(dir, 'gone.txt'))
    await sleep(1100)
    expect((await files.lookUp(target('/gone.txt'))).kind).toBe('missing')
    expect(files.usage()).toEqual({ entries: 0, bytes: 0 })
  })
})

describe('HTTP server cache: bounded', () => {
  it('counts the ready-made responses with the files, and evicts the oldest beyond its bounds', async () => {
    const dir = folder('bounded', { 'a.txt': 'a'.repeat(1000), 'b.txt': 'b'.repeat(1000), 'c.txt': 'c'.repeat(10), 'd.txt': 'd'.repeat(10) })
    const files = new StaticFiles(dir, false, { bytes: 3000, entries: 3 })
    const a = (await files.lookUp(target('/a.txt'))) as FileEntry
    expect(files.usage()).toEqual({ entries: 1, bytes: 1000 })
    const ready = (keepAlive: boolean, size: number): Buffer => a.ready!.find(keepAlive) ?? a.ready!.keep(keepAlive, Buffer.alloc(size))
    // Well inside one second of the Date header (the ready-made responses are made anew each second).
    while (Date.now() % 1000 > 700) await sleep(20)
    const made = ready(true, 1200)
    expect(files.usage()).toEqual({ entries: 1, bytes: 2200 })
    // The same second: made once, found the second time.
    expect(ready(true, 5000)).toBe(made)
    expect(files.usage()).toEqual({ entries: 1, bytes: 2200 })
    // b's 1000 bytes would make 3200: a, the oldest, goes with its ready-made response.
    await files.lookUp(target('/b.txt'))
    expect(files.usage()).toEqual({ entries: 1, bytes: 1000 })
    // Once forgotten, a's ready-made responses weigh nothing in the cache.
    ready(false, 700)
    expect(files.usage()).toEqual({ entries: 1, bytes: 1000 })
    // Entries: at most 3.
    await files.lookUp(target('/c.txt'))
    await files.lookUp(target('/d.txt'))
    await files.lookUp(target('/a.txt'))
    expect(files.usage()).toEqual({ entries: 3, bytes: 1020 })
  })

  it('keeps nothing it refused: a link out of the folder, a dot-file', async () => {
    const outside = folder('outside', { 'secret.txt': 'secret' })
    const dir = folder('refusing', { '.env': 'TOKEN=x' })
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'link.txt'))
    const files = new StaticFiles(dir, false)
    expect((await files.lookUp(target('/link.txt'))).kind).toBe('missing')
    expect((await files.lookUp(target('/.env'))).kind).toBe('missing')
    expect(files.usage()).toEqual({ entries: 0, bytes: 0 })
  })
})
