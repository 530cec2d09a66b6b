// Address and port rules shared by the CLI, the engine, the IPC validation and the UI.
// Pure TypeScript (no node:net) so the renderer can check input before it is sent.

import type { Family } from './events'

export const DEFAULT_PORT = 12000
export const DEFAULT_HTTP_PORT = 8080
export const MIN_PORT = 1024
export const MAX_PORT = 65535
/** The course's port rule, in the words every host uses after the name of its field. */
export const PORT_RANGE = `an integer in ${MIN_PORT}..${MAX_PORT}`
export const PORT_RULE = `-p option must be ${PORT_RANGE}`

export function isCoursePort(port: number): boolean {
  return Number.isInteger(port) && port >= MIN_PORT && port <= MAX_PORT
}

/** The course's rule for -p: digits only, in 1024..65535. Returns the port or null. */
export function parseCoursePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null
  const port = Number(text)
  return isCoursePort(port) ? port : null
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/

export function isIPv4(text: string): boolean {
  return IPV4.test(text)
}

export function isIPv6(text: string): boolean {
  if (!text.includes(':') || !/^[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?$/.test(text)) return false
  const bare = text.split('%')[0]
  try {
    // The WHATWG URL parser implements the full IPv6 grammar in both Node and browsers.
    new URL(`http://[${bare}]/`)
    return true
  } catch {
    return false
  }
}

export function ipFamily(text: string): Family | null {
  if (isIPv4(text)) return 'IPv4'
  if (isIPv6(text)) return 'IPv6'
  return null
}

export function isHostName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false
  const labels = text.replace(/\.$/, '').split('.')
  // A name made only of digits and dots is a mistyped IPv4 address, not a host name.
  if (labels.every((l) => /^\d+$/.test(l))) return false
  return labels.every((l) => HOST_LABEL.test(l))
}

/** Null when `text` is an IP literal or a host name; otherwise the one-line reason. */
export function addressProblem(text: string): string | null {
  if (ipFamily(text) || isHostName(text)) return null
  return `invalid address <${text}>: expected an IPv4 address (127.0.0.1), an IPv6 address (::1) or a host name`
}

export function defaultServerAddress(family: Family): string {
  return family === 'IPv6' ? '::' : '0.0.0.0'
}

export function defaultClientAddress(family: Family): string {
  return family === 'IPv6' ? '::1' : '127.0.0.1'
}
