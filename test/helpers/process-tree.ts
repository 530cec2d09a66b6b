// Processes as /proc shows them (Linux): a test finds "its" capture tools as the descendants of a
// known pid, never by name across the machine (other people's tshark and dumpcap run here too).

import fs from 'node:fs'

export interface Proc {
  pid: number
  /** Clock ticks after boot when it started: a pid reused by another process has another. */
  start: string
  comm: string
}

function stat(pid: number): { ppid: number; start: string; comm: string; state: string } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'))
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ')
    return { state: rest[0], ppid: Number(rest[1]), start: rest[19], comm }
  } catch {
    return undefined
  }
}

/** The processes whose parent is `pid`. */
export function children(pid: number): Proc[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .flatMap((n) => {
      const s = stat(Number(n))
      return s && s.ppid === pid && s.state !== 'Z' ? [{ pid: Number(n), start: s.start, comm: s.comm }] : []
    })
}

/** The processes under `pid`: its children, theirs, ... (tshark starts its own dumpcap). */
export function descendants(pid: number): Proc[] {
  return children(pid).flatMap((c) => [c, ...descendants(c.pid)])
}

/** The capture tools under `pid`. */
export function toolsUnder(pid: number): Proc[] {
  return descendants(pid).filter((p) => p.comm === 'dumpcap' || p.comm === 'tshark')
}

/** Still the same process, and not a zombie. */
export function alive(p: Proc): boolean {
  const s = stat(p.pid)
  return s !== undefined && s.start === p.start && s.state !== 'Z' && s.state !== 'X'
}
