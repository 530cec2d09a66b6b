// Turns a request-target into path segments under the served folder, or refuses it. This is the
// first of two walls: it rejects every spelling of "go up" (.., %2e%2e, backslashes, NUL bytes).
// The second wall (insideRoot) checks where the file really is once symlinks are followed.

import path from 'node:path'
import { said, type Said } from '../../shared/i18n/said'

export interface SafeTarget {
  /** Decoded path segments below the served folder ('' and '.' removed, '..' resolved). */
  segments: string[]
  /** The decoded path as the user sees it, always starting with '/'. */
  display: string
  /** The path as sent, without query (for redirects: a directory without its final '/'). */
  rawPath: string
  query: string
  trailingSlash: boolean
}

export interface TargetProblem {
  status: 400 | 403
  /** Why, for the log and (in English) the error page. */
  reason: Said
}

export function parseTarget(target: string): SafeTarget | TargetProblem {
  let rest = target
  // Absolute form (proxies, some hand-written requests): keep only the path.
  const absolute = /^https?:\/\/[^/?#]*/i.exec(rest)
  if (absolute) rest = rest.slice(absolute[0].length) || '/'
  if (!rest.startsWith('/')) return { status: 400, reason: said('http:refused.targetNoSlash', { target: rest.slice(0, 40) }) }

  const hash = rest.indexOf('#')
  if (hash >= 0) rest = rest.slice(0, hash)
  const q = rest.indexOf('?')
  const rawPath = q >= 0 ? rest.slice(0, q) : rest
  const query = q >= 0 ? rest.slice(q) : ''

  if (rawPath.includes('\\')) return { status: 400, reason: said('http:refused.backslash') }
  if (/%(?![0-9a-fA-F]{2})/.test(rawPath)) return { status: 400, reason: said('http:refused.malformedPercent') }
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return { status: 400, reason: said('http:refused.percentNotUtf8') }
  }
  // eslint-disable-next-line no-control-regex -- finding control bytes is the point
  if (/[\x00-\x1f\x7f]/.test(decoded)) return { status: 400, reason: said('http:refused.pathControl') }
  if (decoded.includes('\\')) return { status: 400, reason: said('http:refused.encodedBackslash') }

  const segments: string[] = []
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (segments.length === 0) return { status: 403, reason: said('http:refused.climbs') }
      segments.pop()
      continue
    }
    segments.push(segment)
  }
  return { segments, display: `/${segments.join('/')}`, rawPath, query, trailingSlash: decoded.endsWith('/') }
}

export function isTargetProblem(t: SafeTarget | TargetProblem): t is TargetProblem {
  return 'status' in t
}

/** The second wall: true if `realPath` (symlinks resolved) lies in `realRoot`. */
export function insideRoot(realRoot: string, realPath: string): boolean {
  return realPath === realRoot || realPath.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)
}
