// A network namespace of a test's own, with a lossy loopback: where it runs as root with `ip` and
// `iptables`, a test makes one (sl-netem-<pid>), runs socklab's programs and the capture inside it
// with `ip netns exec`, and deletes it at the end, also when the test fails. It never touches an
// interface it did not create: only the namespace's own loopback.
//
// The loss: `tc netem` where the kernel has it is the textbook's tool, but it drops a packet on its
// way out, before the capture sees it (the tap is after the queueing discipline), so the Wire view
// would show the retransmission and never the lost copy; and many kernels (this project's CI's
// among them) are built without sch_netem. An iptables rule on INPUT drops a packet after the
// capture saw it arrive, so the Wire view shows both the lost copy and the copy sent again; with
// `statistic --mode nth` it drops the same packets every run, no randomness to tolerate.

import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from './helpers/processes'

/** The namespaces this module made, by name prefix: `sl-netem-<pid>[-n]`. */
const PREFIX = 'sl-netem-'

const has = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Why a namespace test cannot run here (printed), or null when it can. */
export function namespaceSkipReason(): string | null {
  const why = ((): string | null => {
    if (process.platform !== 'linux') return 'network namespaces are Linux only'
    if (process.getuid?.() !== 0) return 'not root: cannot create a network namespace'
    if (!has('ip', ['-V'])) return 'iproute2 (`ip`) is not installed'
    if (!has('iptables', ['--version'])) return '`iptables` is not installed (apt-get install iptables)'
    if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'cli.js'))) return 'socklab is not built (npm run build)'
    return null
  })()
  if (why) console.warn(`namespace tests skipped: ${why}`)
  return why
}

const ip = (args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** The namespaces that exist now. */
export function namespaces(): string[] {
  return ip(['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean)
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface Namespace {
  name: string
  /** `ip netns exec NAME` and the command: the arguments for spawning `ip`. */
  exec(command: string, args: string[]): string[]
  /** Runs a command inside, to its end; its stdout. */
  run(command: string, args: string[]): string
  /**
   * From now on, drops the first TCP packet carrying data (IP length ≥ 100) to or from one of
   * `ports` as it arrives, then every `every`-th after it: the same packets each run. Replaces the rule set before (its count
   * starts again). Other ports (a browser host's own) are left alone.
   */
  dropEvery(every: number, ports: number[]): void
  /** How many packets the rule dropped since it was set. */
  dropped(): number
  /** Deletes the namespace (its processes must have ended first, or it lives on with them). */
  remove(): void
}

let made = 0

/**
 * Makes a namespace with its loopback up. Namespaces of this module whose test process died
 * (a run killed before its finally) are deleted first: they are ours, by name and dead pid.
 */
export function makeNamespace(): Namespace {
  for (const old of namespaces()) {
    const m = new RegExp(`^${PREFIX}(\\d+)(?:-\\d+)?$`).exec(old)
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) ip(['netns', 'del', old])
  }
  const name = `${PREFIX}${process.pid}-${++made}`
  ip(['netns', 'add', name])
  const ns: Namespace = {
    name,
    exec: (command, args) => ['netns', 'exec', name, command, ...args],
    run: (command, args) => ip(ns.exec(command, args)),
    dropEvery(every, ports) {
      ns.run('iptables', ['-F', 'INPUT'])
      const nth = ['-m', 'statistic', '--mode', 'nth', '--every', String(every), '--packet', '0']
      ns.run('iptables', ['-A', 'INPUT', '-p', 'tcp', '-m', 'multiport', '--ports', ports.join(','), '-m', 'length', '--length', '100:65535', ...nth, '-j', 'DROP'])
    },
    dropped() {
      const line = ns.run('iptables', ['-L', 'INPUT', '-v', '-n', '-x']).split('\n').find((l) => /\bDROP\b/.test(l))
      return line ? Number(line.trim().split(/\s+/)[0]) : 0
    },
    remove() {
      if (namespaces().includes(name)) ip(['netns', 'del', name])
    }
  }
  try {
    ip(['-n', name, 'link', 'set', 'lo', 'up'])
  } catch (err) {
    ns.remove()
    throw err
  }
  return ns
}
