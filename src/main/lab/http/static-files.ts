// Finds what a safe request path names inside the served folder: a file, a directory's
// index.html or listing, a redirect, or nothing. Symlinks are followed and then checked, so
// a link that points outside the folder is "not found" (Python's http.server would serve it).
// Small files are kept in memory; each entry is re-checked on disk at most a second later.

import fs from 'node:fs/promises'
import path from 'node:path'
import { contentType, errorPage, escapeHtml } from './response-head'
import { insideRoot, type SafeTarget } from './safe-path'

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
  /** Complete 200 responses for `body`, built for the current second of the Date header. */
  responses?: { second: number; keepAlive?: Buffer; close?: Buffer }
}

export type Resolution =
  | FileEntry
  | { kind: 'listing'; body: Buffer }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing'; status: 403 | 404; reason: string; body: Buffer }

/** Files up to this size are served from memory. */
const CACHED_FILE_MAX = 256 * 1024
const CACHE_BYTES_MAX = 64 * 1024 * 1024
const CACHE_ENTRIES_MAX = 2000
/** How long a cached answer is trusted before the disk is asked again. */
const REVALIDATE_MS = 1000

interface CacheSlot {
  entry: FileEntry
  checkedAt: number
}

export class StaticFiles {
  private readonly cache = new Map<string, CacheSlot>()
  private cachedBytes = 0

  constructor(private readonly realRoot: string) {}

  /** The answer for `target` if it is in memory and fresh: no disk, no waiting. */
  cached(target: SafeTarget): FileEntry | undefined {
    const slot = this.cache.get(cacheKey(target))
    return slot && Date.now() - slot.checkedAt < REVALIDATE_MS ? slot.entry : undefined
  }

  async resolve(target: SafeTarget): Promise<Resolution> {
    const fresh = this.cached(target)
    if (fresh) return fresh
    const key = cacheKey(target)
    const slot = this.cache.get(key)
    const now = Date.now()

    const found = await this.lookUp(target)
    if (found.kind !== 'file') {
      if (slot) this.forget(key)
      return found
    }
    // Same file, unchanged on disk: keep the bytes we already hold.
    if (slot && slot.entry.realPath === found.realPath && slot.entry.etag === found.etag) {
      slot.checkedAt = now
      return slot.entry
    }
    if (slot) this.forget(key)
    if (found.size <= CACHED_FILE_MAX) {
      found.body = await fs.readFile(found.realPath).catch(() => undefined)
      // The file changed between stat and read: serve what we read, cache nothing.
      if (!found.body || found.body.length !== found.size) return found.body ? { ...found, size: found.body.length } : found
      this.remember(key, found, now)
    }
    return found
  }

  private async lookUp(target: SafeTarget): Promise<Resolution> {
    const real = await this.realPathOf(path.join(this.realRoot, ...target.segments))
    if (typeof real !== 'string') return real
    const stat = await fs.stat(real).catch(() => null)
    if (!stat) return missing(404, `${target.display} does not exist`)
    if (stat.isDirectory()) {
      if (!target.trailingSlash) return { kind: 'redirect', location: `${target.rawPath}/${target.query}` }
      const index = await this.realPathOf(path.join(real, 'index.html'))
      if (typeof index === 'string') {
        const indexStat = await fs.stat(index).catch(() => null)
        if (indexStat?.isFile()) return fileEntry(index, indexStat)
      }
      return this.listing(real, target.display)
    }
    // FIFOs, sockets and devices are not files to serve (reading a FIFO would hang the request).
    if (!stat.isFile()) return missing(403, `${target.display} is not a regular file`)
    return fileEntry(real, stat)
  }

  /** The real location of `full`, or why it cannot be served. */
  private async realPathOf(full: string): Promise<string | Extract<Resolution, { kind: 'missing' }>> {
    let real: string
    try {
      real = await fs.realpath(full)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EACCES') return missing(403, 'permission denied')
      return missing(404, code === 'ELOOP' ? 'symlink loop' : 'no such file')
    }
    if (!insideRoot(this.realRoot, real)) return missing(404, 'a symlink leads outside the served folder')
    return real
  }

  private async listing(dir: string, display: string): Promise<Resolution> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => null)
    if (!entries) return missing(403, 'the folder cannot be listed')
    entries.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    const title = `Directory listing for ${escapeHtml(display.endsWith('/') ? display : `${display}/`)}`
    const items = entries.map((e) => {
      const suffix = e.isDirectory() ? '/' : e.isSymbolicLink() ? '@' : ''
      const href = encodeURIComponent(e.name) + (e.isDirectory() ? '/' : '')
      return `<li><a href="${escapeHtml(href)}">${escapeHtml(e.name + suffix)}</a></li>`
    })
    const html =
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>\n` +
      `<body><h1>${title}</h1><hr><ul>\n${items.join('\n')}\n</ul><hr></body></html>\n`
    return { kind: 'listing', body: Buffer.from(html) }
  }

  private remember(key: string, entry: FileEntry, now: number): void {
    this.cache.set(key, { entry, checkedAt: now })
    this.cachedBytes += entry.size
    // Evict oldest first (Map keeps insertion order) until within bounds.
    for (const oldest of this.cache.keys()) {
      if (this.cachedBytes <= CACHE_BYTES_MAX && this.cache.size <= CACHE_ENTRIES_MAX) break
      this.forget(oldest)
    }
  }

  private forget(key: string): void {
    const slot = this.cache.get(key)
    if (!slot) return
    this.cache.delete(key)
    this.cachedBytes -= slot.entry.size
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

function missing(status: 403 | 404, reason: string): Extract<Resolution, { kind: 'missing' }> {
  const explanation = status === 404 ? 'Nothing matches the given URI.' : 'This path cannot be served.'
  return { kind: 'missing', status, reason, body: errorPage(status, explanation) }
}
