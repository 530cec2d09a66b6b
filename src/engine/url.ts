// URL parsing for the course's HTTP client. The path is kept exactly as typed (no dot-segment
// clean-up, unlike WHATWG URL), because a raw client is how a student probes a server.

import { addressProblem, ipFamily } from '../shared/address'
import type { Family } from '../shared/events'
import { said, type Said } from '../shared/i18n/said'

export interface CourseUrl {
  host: string
  port: number
  path: string
  /** The host is an IP literal, so it decides the family by itself. */
  literal: boolean
}

const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#\s]*)(?::([^/?#]*))?([^#]*)(#.*)?$/

/** `*` is the course's shortcut for the local server on 8080; a missing scheme means http://. */
export function parseCourseUrl(input: string, family: Family = 'IPv4'): CourseUrl | { error: Said } {
  let text = input.trim()
  if (text === '*') text = family === 'IPv6' ? 'http://[::1]:8080/' : 'http://127.0.0.1:8080/'
  if (!text.includes('://')) text = `http://${text}`
  // The course client's own words first ("Error in parsing URL <…>", never translated), then why.
  const bad = (why: Said): { error: Said } => ({ error: said('error:url.parse', { url: input.trim(), why }) })
  const m = URL_SHAPE.exec(text)
  if (!m) return bad(/\s/.test(text) ? said('error:url.spaces') : said('error:url.shape'))
  const [, scheme, rawHost, rawPort, rawPath] = m
  if (scheme.toLowerCase() !== 'http') return bad(said('error:url.scheme', { scheme }))
  if (rawHost.startsWith('[') && !rawHost.endsWith(']')) return bad(said('error:url.bracket'))
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  if (!host) return bad(said('error:url.noHost'))
  if (rawHost.startsWith('[') && ipFamily(host) !== 'IPv6') return bad(said('error:url.notIpv6', { host }))
  const problem = addressProblem(host)
  if (problem) return bad(said('error:url.address', { problem }))
  let port = 80
  if (rawPort !== undefined) {
    if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) return bad(said('error:url.port', { port: rawPort }))
    port = Number(rawPort)
  }
  const path = rawPath === '' ? '/' : rawPath.startsWith('?') ? `/${rawPath}` : rawPath
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\s\x00-\x1f\x7f]/.test(path)) return bad(said('error:url.controls'))
  return { host, port, path, literal: ipFamily(host) !== null }
}
