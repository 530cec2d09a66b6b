// URL parsing for the course's HTTP client. The path is kept exactly as typed (no dot-segment
// clean-up, unlike WHATWG URL), because a raw client is how a student probes a server.

import { addressProblem, ipFamily } from '../shared/address'
import type { Family } from '../shared/events'

export interface CourseUrl {
  host: string
  port: number
  path: string
  /** The host is an IP literal, so it decides the family by itself. */
  literal: boolean
}

const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:?#\s]*)(?::([^/?#]*))?([^#]*)(#.*)?$/

/** `*` is the course's shortcut for the local server on 8080; a missing scheme means http://. */
export function parseCourseUrl(input: string, family: Family = 'IPv4'): CourseUrl | { error: string } {
  let text = input.trim()
  if (text === '*') text = family === 'IPv6' ? 'http://[::1]:8080/' : 'http://127.0.0.1:8080/'
  if (!text.includes('://')) text = `http://${text}`
  const bad = (why: string): { error: string } => ({ error: `Error in parsing URL <${input.trim()}>: ${why}` })
  const m = URL_SHAPE.exec(text)
  if (!m) return bad(/\s/.test(text) ? 'URLs cannot contain spaces (write %20)' : 'expected http://host[:port]/path')
  const [, scheme, rawHost, rawPort, rawPath] = m
  if (scheme.toLowerCase() !== 'http') return bad(`only http:// is supported (${scheme}:// needs more than a raw socket)`)
  if (rawHost.startsWith('[') && !rawHost.endsWith(']')) return bad('the [ around the IPv6 address is not closed (write http://[::1]:8080/)')
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost
  if (!host) return bad('no host name')
  if (rawHost.startsWith('[') && ipFamily(host) !== 'IPv6') return bad(`[${host}] is not an IPv6 address`)
  const problem = addressProblem(host)
  if (problem) return bad(problem)
  let port = 80
  if (rawPort !== undefined) {
    if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) return bad(`port <${rawPort}> is not a number in 1..65535`)
    port = Number(rawPort)
  }
  const path = rawPath === '' ? '/' : rawPath.startsWith('?') ? `/${rawPath}` : rawPath
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (/[\s\x00-\x1f\x7f]/.test(path)) return bad('URLs cannot contain spaces or control characters (write %20)')
  return { host, port, path, literal: ipFamily(host) !== null }
}
