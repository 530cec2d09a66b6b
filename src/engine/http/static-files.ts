// Finds what a safe request path names inside the served folder: a file, a directory's
// index.html or listing, a redirect, or nothing. Symlinks are followed and then checked, so
// a link that points outside the folder is "not found" (Python's http.server would serve it);
// files are read only through a descriptor whose real location has been checked (open-inside).
// Small files are kept in memory, in a cache of each server's own, with the ready-made responses
// that answer them; each entry is re-checked on disk at most a second later.

import type { FileHandle } from 'node:fs/promises'
import fs from 'node:fs/promises'
import path from 'node:path'
import { HTTP_CACHE_BYTES_MAX, HTTP_CACHE_ENTRIES_MAX, HTTP_CACHED_FILE_MAX } from '../../shared/limits'
import { listFolderInside, openFileInside } from './open-inside'
import { contentType, errorPage, escapeHtml } from './response-head'
import { insideRoot, type SafeTarget } from './safe-path'
import { dotPathRefusal, isDotName } from './serving-policy'
import { said, type Said } from '../../shared/i18n/said'

export interface FileEntry {
  kind: 'file'
  realPath: string
  size: number
  lastModified: string
  /** Whole seconds: HTTP dates carry no more, and If-Modified-Since compares in seconds. */
  mtimeSeconds: number
  etag: string
  type: string
  /** The bytes, for small files; big ones are streamed from disk. */
  body?: Buffer
  /** A big file's open descriptor, checked to lie inside the folder: the request streams from it and closes it. */
  handle?: FileHandle
  /** A cached file's complete 200 responses, made once a second (only entries in the cache have them). */
  ready?: ReadyResponses
  /** The header fields of a response with the whole file, made once by the response path and never changed. */
  wholeHeaders?: readonly (readonly [string, string | number])[]
}

export type Resolution =
  | FileEntry
  | { kind: 'listing'; body: Buffer }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing'; status: 403 | 404; reason: Said; body: Buffer }

/** How long a cached answer is trusted before the disk is asked again. */
const REVALIDATE_MS = 1000

interface CacheSlot {
  entry: FileEntry
  checkedAt: number
}

/** What one server's cache may hold: bytes (files and their ready-made responses) and entries. */
export interface CacheBounds {
  bytes: number
  entries: number
}

/**
 * The complete 200 responses (head and body in one buffer) of one cached file, keep-alive and
 * close, for the current second of the Date header: the common request, a GET of a small file,
 * is then one write of bytes made once a second. `resized` tells the cache what they weigh.
 */
export class ReadyResponses {
  private second = -1
  private keepAlive?: Buffer
  private close?: Buffer

  constructor(private readonly resized: (delta: number) => void) {}

  /** The response made for this second, if there is one yet. */
  find(keepAlive: boolean): Buffer | undefined {
    const second = Math.floor(Date.now() / 1000)
    if (second !== this.second) {
      const old = this.bytes
      this.second = second
      this.keepAlive = this.close = undefined
      if (old > 0) this.resized(-old)
    }
    return keepAlive ? this.keepAlive : this.close
  }

  /** Keeps `made`, the response for this second (after a `find` that found none), and returns it. */
  keep(keepAlive: boolean, made: Buffer): Buffer {
    if (keepAlive) this.keepAlive = made
    else this.close = made
    this.resized(made.length)
    return made
  }

  get bytes(): number {
    return (this.keepAlive?.length ?? 0) + (this.close?.length ?? 0)
  }
}

export class StaticFiles {
  private readonly cache = new Map<string, CacheSlot>()
  private cachedBytes = 0

  constructor(
    private readonly realRoot: string,
    private readonly dotfiles: boolean,
    private readonly bounds: CacheBounds = { bytes: HTTP_CACHE_BYTES_MAX, entries: HTTP_CACHE_ENTRIES_MAX }
  ) {}

  /**
   * What `target` names: at once when the cache holds it and it is fresh (no disk, no waiting),
   * else after a look at the disk. A file entry with a `handle` must be closed by the caller.
   */
  lookUp(target: SafeTarget): Resolution | Promise<Resolution> {
    const key = cacheKey(target)
    const slot = this.cache.get(key)
    const now = Date.now()
    if (slot && now - slot.checkedAt < REVALIDATE_MS) return slot.entry
    return this.resolve(target, key, slot, now)
  }

  /** What the cache holds now: for tests and the bench, never for a decision. */
  usage(): { entries: number; bytes: number } {
    return { entries: this.cache.size, bytes: this.cachedBytes }
  }

  private async resolve(target: SafeTarget, key: string, slot: CacheSlot | undefined, now: number): Promise<Resolution> {

    const found = await this.find(target)
    if (found.kind !== 'file') {
      if (slot) this.forget(key)
      return found
    }
    // Same file, unchanged on disk: keep the bytes we already hold (they were read through a checked descriptor).
    if (slot && slot.entry.realPath === found.realPath && slot.entry.etag === found.etag) {
      slot.checkedAt = now
      return slot.entry
    }
    if (slot) this.forget(key)
    return this.load(found.realPath, key, now)
  }

  /**
   * Opens the file and checks where the descriptor points; the size, dates and bytes all come
   * from that descriptor, never from the path again.
   */
  private async load(realPath: string, key: string, now: number): Promise<Resolution> {
    let opened
    try {
      opened = await openFileInside(realPath, this.refusal)
    } catch (err) {
      return cannotOpen(err)
    }
    if ('refused' in opened) return missing(404, opened.refused)
    const { handle, size, mtimeMs, isFile } = opened.ok
    // FIFOs, sockets and devices are not files to serve (reading a FIFO would hang the request).
    if (!isFile) {
      await handle.close()
      return missing(403, said('http:missing.notRegular'))
    }
    const entry = fileEntry(realPath, { size, mtimeMs })
    if (size > HTTP_CACHED_FILE_MAX) return { ...entry, handle }
    try {
      const body = await handle.readFile()
      // The file changed between its stat and its read: serve what was read, cache nothing.
      if (body.length !== size) return { ...entry, size: body.length, body }
      entry.body = body
      this.remember(key, entry, now)
      return entry
    } catch (err) {
      return cannotOpen(err)
    } finally {
      await handle.close()
    }
  }

  private async find(target: SafeTarget): Promise<Resolution> {
    const hidden = this.dotfiles ? undefined : dotPathRefusal(target.segments.join('/'), '/')
    if (hidden) return missing(404, hidden)
    const real = await this.realPathOf(path.join(this.realRoot, ...target.segments))
    if (typeof real !== 'string') return real
    const stat = await fs.stat(real).catch(() => null)
    if (!stat) return missing(404, said('http:missing.doesNotExist', { path: target.display }))
    if (stat.isDirectory()) {
      if (!target.trailingSlash) return { kind: 'redirect', location: `${target.rawPath}/${target.query}` }
      const index = await this.realPathOf(path.join(real, 'index.html'))
      if (typeof index === 'string') {
        const indexStat = await fs.stat(index).catch(() => null)
        if (indexStat?.isFile()) return fileEntry(index, indexStat)
      }
      return this.listing(real, target.display)
    }
    // A path that ends in / names a folder: Python's server answers 404 for a file there (its issue 17324).
    if (target.trailingSlash) return missing(404, said('http:missing.fileWithSlash'))
    // FIFOs, sockets and devices are not files to serve (reading a FIFO would hang the request).
    if (!stat.isFile()) return missing(403, said('http:missing.pathNotRegular', { path: target.display }))
    return fileEntry(real, stat)
  }

  /** Why a real path (symlinks resolved) is not served: outside the folder, or a dot-file. */
  private readonly refusal = (real: string): Said | undefined => {
    if (!insideRoot(this.realRoot, real)) return said('http:missing.symlinkOutside')
    return this.dotfiles ? undefined : dotPathRefusal(path.relative(this.realRoot, real))
  }

  /** The real location of `full`, or why it cannot be served. */
  private async realPathOf(full: string): Promise<string | Extract<Resolution, { kind: 'missing' }>> {
    let real: string
    try {
      real = await fs.realpath(full)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EACCES') return missing(403, said('http:missing.permissionDenied'))
      return missing(404, code === 'ELOOP' ? said('http:missing.symlinkLoop') : said('http:missing.noSuchFile'))
    }
    const refused = this.refusal(real)
    return refused ? missing(404, refused) : real
  }

  /** Whether a symlink's target lies outside the served folder (a dangling one counts as inside: it is a plain 404). */
  private async leadsOutside(link: string): Promise<boolean> {
    const real = await fs.realpath(link).catch(() => null)
    return real !== null && !insideRoot(this.realRoot, real)
  }

  private async listing(dir: string, display: string): Promise<Resolution> {
    const listed = await listFolderInside(dir, this.refusal).catch(() => null)
    if (!listed) return missing(403, said('http:missing.cannotList'))
    if ('refused' in listed) return missing(404, listed.refused)
    const entries = listed.ok.filter((e) => this.dotfiles || !isDotName(e.name.toString('latin1')))
    const named = entries.map((e) => ({ entry: e, name: e.name.toString('utf8') }))
    named.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    const title = `Directory listing for ${escapeHtml(display.endsWith('/') ? display : `${display}/`)}`
    // A symlink that leads out of the folder is refused when asked for: no link to a 404.
    const leadsOut = await Promise.all(named.map(({ entry }) => (entry.isSymbolicLink() ? this.leadsOutside(path.join(dir, entry.name.toString('utf8'))) : false)))
    const items = named.map(({ entry, name }, i) => {
      const suffix = entry.isDirectory() ? '/' : entry.isSymbolicLink() ? '@' : ''
      const shown = escapeHtml(visibleName(name) + suffix)
      // A name that no URL can ask for is shown, but not as a link that would only give an error.
      if (!fetchable(entry.name, name)) return `<li>${shown} <small>(this name cannot be requested by URL)</small></li>`
      if (leadsOut[i]) return `<li>${shown} <small>(a link to outside the served folder: not served)</small></li>`
      const href = encodeURIComponent(name) + (entry.isDirectory() ? '/' : '')
      return `<li><a href="${escapeHtml(href)}">${shown}</a></li>`
    })
    const html =
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n` +
      `<body><h1>${title}</h1><hr><ul>\n${items.join('\n')}\n</ul><hr></body></html>\n`
    return { kind: 'listing', body: Buffer.from(html) }
  }

  private remember(key: string, entry: FileEntry, now: number): void {
    // The ready responses count while their entry is in the cache; once it is forgotten they go with it.
    entry.ready = new ReadyResponses((delta) => {
      if (this.cache.get(key)?.entry !== entry) return
      this.cachedBytes += delta
      this.evictBeyondBounds()
    })
    this.cache.set(key, { entry, checkedAt: now })
    this.cachedBytes += entry.size
    this.evictBeyondBounds()
  }

  /** Evicts oldest first (a Map keeps insertion order) until within bounds. */
  private evictBeyondBounds(): void {
    for (const oldest of this.cache.keys()) {
      if (this.cachedBytes <= this.bounds.bytes && this.cache.size <= this.bounds.entries) break
      this.forget(oldest)
    }
  }

  private forget(key: string): void {
    const slot = this.cache.get(key)
    if (!slot) return
    this.cache.delete(key)
    this.cachedBytes -= slot.entry.size + (slot.entry.ready?.bytes ?? 0)
  }
}

/** A folder asked with its final '/' (its index) and without (a redirect) are different answers. */
function cacheKey(target: SafeTarget): string {
  return target.trailingSlash ? `${target.display}/` : target.display
}

function fileEntry(realPath: string, stat: { size: number; mtimeMs: number }): FileEntry {
  const mtimeSeconds = Math.floor(stat.mtimeMs / 1000)
  return {
    kind: 'file',
    realPath,
    size: stat.size,
    mtimeSeconds,
    lastModified: new Date(mtimeSeconds * 1000).toUTCString(),
    etag: `W/"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
    type: contentType(realPath)
  }
}

/**
 * Whether a URL can name this file: its bytes are UTF-8 (a request path is decoded as UTF-8) and
 * it holds no control character or backslash (both refused in request paths).
 */
function fetchable(raw: Buffer, name: string): boolean {
  // eslint-disable-next-line no-control-regex -- finding control bytes is the point
  return Buffer.from(name).equals(raw) && !/[\x00-\x1f\x7f\\]/.test(name)
}

/** A file name as the listing shows it: control characters as "?", bytes that are not UTF-8 as "\uFFFD". */
function visibleName(name: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control bytes is the point
  return name.replace(/[\x00-\x1f\x7f]/g, '?')
}

/** Why an open failed, as the answer to the request: a file the server may not read is 403, and said so. */
function cannotOpen(err: unknown): Extract<Resolution, { kind: 'missing' }> {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'EACCES' || code === 'EPERM') return missing(403, said('http:missing.cannotRead'))
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return missing(404, said('http:missing.noSuchFile'))
  throw err
}

function missing(status: 403 | 404, reason: Said): Extract<Resolution, { kind: 'missing' }> {
  const explanation = status === 404 ? 'Nothing matches the given URI.' : 'This path cannot be served.'
  return { kind: 'missing', status, reason, body: errorPage(status, explanation) }
}
