// Where Wireshark's command-line tools are: on PATH, or where the installers put them (an app
// started from a desktop menu on macOS gets a short PATH that misses both Wireshark.app and
// Homebrew). SOCKLAB_WIRESHARK names the one folder to use instead (a portable install on a lab PC).
// The search is pure (platform, environment and a file test come in) so each OS is tested anywhere.

import fs from 'node:fs'
import path from 'node:path'

export interface CaptureTools {
  dumpcap: string
  tshark: string
}

export interface ToolSearch {
  platform: NodeJS.Platform
  env: Record<string, string | undefined>
  /** Whether a file exists and may be run. */
  isExecutable: (file: string) => boolean
  /**
   * Whether a file exists, runnable or not: a dumpcap this user may not run (Debian's
   * `root:wireshark 0754` for a student outside the group) is installed, not missing.
   * Default: isExecutable.
   */
  exists?: (file: string) => boolean
}

/** The folders Wireshark's installers use on each OS, after PATH. */
export function installFolders(platform: NodeJS.Platform, env: ToolSearch['env']): string[] {
  if (platform === 'win32') {
    const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432, 'C:\\Program Files']
    return [...new Set(roots.filter((r): r is string => !!r).map((r) => path.win32.join(r, 'Wireshark')))]
  }
  if (platform === 'darwin') return ['/Applications/Wireshark.app/Contents/MacOS', '/opt/homebrew/bin', '/usr/local/bin']
  return ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/snap/bin']
}

export type ToolLookup =
  | { found: true; tools: CaptureTools }
  /** `notRunnable`: tools that are there but that this user may not run (never listed in `missing`). */
  | { found: false; searched: string[]; missing: string[]; notRunnable?: string[] }

export function findCaptureTools(search: ToolSearch = hostSearch()): ToolLookup {
  const { platform, env } = search
  const p = platform === 'win32' ? path.win32 : path.posix
  const override = env.SOCKLAB_WIRESHARK
  const pathDirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean)
  const folders = override ? [override] : [...new Set([...pathDirs, ...installFolders(platform, env)])]
  const exe = platform === 'win32' ? '.exe' : ''
  const exists = search.exists ?? search.isExecutable
  const candidates = (name: string): string[] => folders.map((dir) => p.join(dir, name + exe))
  const locate = (name: string): string | undefined => candidates(name).find((file) => search.isExecutable(file))
  const dumpcap = locate('dumpcap')
  const tshark = locate('tshark')
  if (dumpcap && tshark) return { found: true, tools: { dumpcap, tshark } }
  // Not runnable is not missing: the first one installed of each tool that is not found runnable.
  const notRunnable = [dumpcap ? undefined : 'dumpcap', tshark ? undefined : 'tshark']
    .map((name) => name && candidates(name).find((file) => exists(file)))
    .filter((file): file is string => !!file)
  const missing = [dumpcap ? '' : 'dumpcap', tshark ? '' : 'tshark'].filter((name) => name && !notRunnable.some((file) => p.basename(file) === name + exe))
  return { found: false, searched: override ? [override] : installFolders(platform, env), missing, ...(notRunnable.length ? { notRunnable } : {}) }
}

export function hostSearch(): ToolSearch {
  return {
    platform: process.platform,
    env: process.env,
    isExecutable: (file) => {
      try {
        fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK)
        return fs.statSync(file).isFile()
      } catch {
        return false
      }
    },
    exists: (file) => {
      try {
        return fs.statSync(file).isFile()
      } catch {
        return false
      }
    }
  }
}

/** The name of the group that owns a file (for "add the user to group X"); undefined where unknown. */
export function fileGroup(file: string): string | undefined {
  try {
    const gid = fs.statSync(file).gid
    const line = fs
      .readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((l) => l.split(':')[2] === String(gid))
    return line?.split(':')[0] ?? String(gid)
  } catch {
    return undefined
  }
}

/**
 * The loopback interface as dumpcap names it: Linux's `lo`, macOS's `lo0`, and on Windows the
 * adapter Npcap adds when installed with "Support loopback traffic".
 */
export function loopbackInterface(platform: NodeJS.Platform): string {
  if (platform === 'win32') return '\\Device\\NPF_Loopback'
  if (platform === 'linux') return 'lo'
  return 'lo0'
}
