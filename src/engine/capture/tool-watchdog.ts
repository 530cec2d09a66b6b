// The capture tools must not outlive socklab. A socklab that exits, or stops on SIGINT/SIGTERM/
// SIGHUP, stops them itself; one killed with SIGKILL, or crashed, cannot. So each socklab process
// has one small watchdog (a POSIX shell, about 1 MB) that holds the read end of a pipe from it:
// socklab tells it which tool processes (by pid) and folders are its, and when they are done with.
// When the pipe ends, however socklab ended, the watchdog stops the tools still listed (SIGTERM,
// then SIGKILL after a grace period) and removes the folders still listed. It runs in a session
// of its own, so a terminal's hang-up or Ctrl-C does not end it before it has done that.
// POSIX only: on Windows this is a no-op.

import { spawn, type ChildProcess } from 'node:child_process'

/** How long the tools have to end on SIGTERM before they are killed. */
export const WATCHDOG_GRACE_S = 2

// Lines on stdin: `+pid N`, `-pid N`, `+dir PATH`, `-dir PATH`. Paths are one line each. N may be
// a process group, -PGID: a tshark and the dumpcap it starts for itself.
const SCRIPT = `
trap '' HUP INT TERM PIPE
pids=''
dirs=''
nl='
'
while IFS= read -r line; do
  case "$line" in
    '+pid '*) pids="$pids \${line#+pid }" ;;
    '-pid '*) p="\${line#-pid }"; rest=''; for x in $pids; do [ "$x" = "$p" ] || rest="$rest $x"; done; pids="$rest" ;;
    '+dir '*) dirs="$dirs$nl\${line#+dir }" ;;
    '-dir '*) d="\${line#-dir }"; rest=''; IFS="$nl"; for x in $dirs; do [ "$x" = "$d" ] || rest="$rest$nl$x"; done; unset IFS; dirs="$rest" ;;
  esac
done
for p in $pids; do kill -s TERM -- "$p" 2>/dev/null; done
n=0
while [ $n -lt ${WATCHDOG_GRACE_S * 10} ]; do
  alive=''
  for p in $pids; do kill -0 -- "$p" 2>/dev/null && alive="$alive $p"; done
  [ -z "$alive" ] && break
  sleep 0.1
  n=$((n + 1))
done
for p in $pids; do kill -s KILL -- "$p" 2>/dev/null; done
IFS="$nl"
for d in $dirs; do [ -n "$d" ] && rm -rf -- "$d"; done
`

class ToolWatchdog {
  private child?: ChildProcess
  private broken = false

  /**
   * The tool `child` is socklab's until it exits: stopped by the watchdog if socklab ends first.
   * `group`: it leads a process group of its own (spawned detached), with what it starts: tshark's
   * own dumpcap, which a tshark killed or crashed would leave capturing. The whole group is
   * stopped, by the watchdog, or by socklab once the leader has gone.
   */
  guardProcess(child: ChildProcess, { group = false } = {}): void {
    const pid = child.pid
    if (pid === undefined) return
    const id = group && process.platform !== 'win32' ? -pid : pid
    this.say(`+pid ${id}`)
    child.once('exit', () => {
      if (id < 0) endGroup(pid)
      this.say(`-pid ${id}`)
    })
  }

  /** `dir` is removed by the watchdog if socklab ends before it calls releaseFolder(dir). */
  guardFolder(dir: string): void {
    if (!dir.includes('\n')) this.say(`+dir ${dir}`)
  }

  releaseFolder(dir: string): void {
    if (!dir.includes('\n')) this.say(`-dir ${dir}`)
  }

  /** The watchdog's pid (tests), once started. */
  get pid(): number | undefined {
    return this.child?.pid
  }

  private say(line: string): void {
    if (process.platform === 'win32' || this.broken) return
    const child = (this.child ??= this.spawn())
    if (child.stdin?.writable) child.stdin.write(`${line}\n`)
  }

  private spawn(): ChildProcess {
    // detached: a session of its own (see the top). Its stdin is the pipe whose end it waits for.
    const child = spawn('/bin/sh', ['-c', SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true })
    child.on('error', () => (this.broken = true))
    child.stdin!.on('error', () => (this.broken = true))
    // Neither it nor its pipe keeps socklab running.
    child.unref()
    ;(child.stdin as unknown as { unref?: () => void }).unref?.()
    return child
  }
}

/** What a group's leader left behind (its own dumpcap, if it could not stop it) is asked to stop. */
function endGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGTERM')
  } catch {
    // The group is gone with its leader: nothing was left.
  }
}

/** Spawn options for a tool that leads its own process group (guardProcess's `group`); not on Windows, where it would open a console. */
export const OWN_GROUP = { detached: process.platform !== 'win32' } as const

/** This process's one watchdog, started when the first tool or folder is handed to it. */
export const toolWatchdog = new ToolWatchdog()
