// What an HTTP server may serve, decided once for every host (the window, the browser host, the
// CLI): a lab serves a folder of its own, never the machine. Refused as the served folder:
//   - the root of the file system (or of a drive);
//   - system folders and everything in them (/etc, /proc, /usr, /var ..., C:\Windows, Program Files);
//   - a home folder, any user's, or a folder that holds one (/home, C:\Users);
//   - a folder every user shares as a whole (/tmp, /mnt, /media), though not the folders inside it;
//   - a folder with a hidden (dot) folder in its path, unless dot-files were asked for.
// Inside the served folder, names starting with "." (.git, .ssh, .env) are neither served nor
// listed unless dot-files were asked for. socklab's own sample site is always allowed, wherever
// the app is installed (under /usr by a global npm install, under ~/.npm by npx).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { said, type Said } from '../../shared/i18n/said'

export interface ServingContext {
  platform: NodeJS.Platform
  /** The current user's home folder. */
  home: string
  /** Every user's home folder that the machine knows of (the current user's included). */
  homes: string[]
  /** Folders that are always allowed: the sample site that ships with socklab. */
  shipped: string[]
  /** Serve dot-files and dot-folders (the user asked for them). */
  dotfiles: boolean
}

/** System folders on Linux and macOS: refused with everything in them. */
const POSIX_SYSTEM = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/lost+found', '/opt', '/proc', '/root', '/run', '/sbin', '/snap', '/sys', '/usr', '/var', '/System', '/Library', '/private', '/Applications']
/** Folders every user of the machine writes in or mounts drives under: refused as a whole (other users' files, other disks), a folder inside them is fine. */
const POSIX_SHARED = ['/tmp', '/mnt', '/media', '/Volumes']
/** Folders that hold the users' home folders. */
const POSIX_HOME_PARENTS = ['/home', '/Users']

/** The context of this machine: its users' home folders, the app's sample site. */
export function machineContext(dotfiles: boolean, shipped: string[]): ServingContext {
  const home = os.homedir()
  return { platform: process.platform, home, homes: [home, ...passwdHomes()], shipped, dotfiles }
}

/**
 * Why `folder` (a real path, symlinks resolved) must not be served (`http:folder.refused`, its why
 * a Said of its own); or undefined if it may be.
 */
export function folderRefusal(folder: string, ctx: ServingContext): Said | undefined {
  const p = ctx.platform === 'win32' ? path.win32 : path.posix
  const key = sameName(ctx.platform, p)
  const within = (parent: string, child: string): boolean => {
    const [a, b] = [key(parent), key(child)]
    return a === b || b.startsWith(a.endsWith(p.sep) ? a : a + p.sep)
  }
  if (ctx.shipped.some((s) => within(s, folder))) return undefined
  const refuse = (why: Said): Said => said('http:folder.refused', { folder, why })

  const rootOf = (dir: string): string => p.parse(dir).root
  if (rootOf(folder) === folder) return refuse(said('http:folder.root'))
  if (ctx.platform !== 'win32' && POSIX_SHARED.some((shared) => key(shared) === key(folder))) {
    return refuse(said('http:folder.shared'))
  }
  const homeFolder = said('http:folder.home')
  if (key(folder) === key(ctx.home)) return refuse(homeFolder)
  // Under your own home (even when the home lies in /var, as on Fedora Silverblue) no folder is a system folder.
  const inOwnHome = rootOf(ctx.home) !== ctx.home && within(ctx.home, folder)
  if (!inOwnHome) {
    const system = systemFolders(ctx.platform).find((s) => within(s, folder))
    if (system) return refuse(key(system) === key(folder) ? said('http:folder.system') : said('http:folder.insideSystem', { system }))
  }
  // The folder that holds your home holds the others' too (/home, /Users, C:\Users); not when it is "/" (root's /root).
  const homeParents = [...(ctx.platform === 'win32' ? [] : POSIX_HOME_PARENTS), p.dirname(ctx.home)].filter((h) => rootOf(h) !== h)
  if (ctx.homes.some((h) => key(h) === key(folder)) || homeParents.some((parent) => key(parent) === key(p.dirname(folder)))) return refuse(homeFolder)
  if (ctx.homes.some((h) => within(folder, h)) || homeParents.some((parent) => key(parent) === key(folder))) {
    return refuse(said('http:folder.holdsHomes'))
  }
  if (!ctx.dotfiles) {
    const hidden = folder.slice(rootOf(folder).length).split(p.sep).find(isDotName)
    if (hidden) return refuse(said('http:folder.hidden', { name: hidden }))
  }
  return undefined
}

/** A name hidden by convention (.git, .ssh, .env): served only with dot-files allowed. */
export function isDotName(name: string): boolean {
  return name.startsWith('.')
}

/** Why a path below the served folder (relative, with the platform's separators) is not served. */
export function dotPathRefusal(relative: string, sep: string = path.sep): Said | undefined {
  return relative.split(sep).some(isDotName) ? said('http:missing.dotName') : undefined
}

function systemFolders(platform: NodeJS.Platform): string[] {
  if (platform !== 'win32') return POSIX_SYSTEM
  const env = process.env
  const drive = env.SystemDrive ?? 'C:'
  return [env.SystemRoot ?? `${drive}\\Windows`, env.ProgramFiles ?? `${drive}\\Program Files`, env['ProgramFiles(x86)'] ?? `${drive}\\Program Files (x86)`, env.ProgramData ?? `${drive}\\ProgramData`]
}

/** A path as compared: normalized, and without case where the platform's file systems ignore case. */
function sameName(platform: NodeJS.Platform, p: path.PlatformPath): (name: string) => string {
  if (platform === 'win32' || platform === 'darwin') return (name) => p.normalize(name).toLowerCase()
  return (name) => p.normalize(name)
}

/** Home folders listed in /etc/passwd (none on Windows, or when it cannot be read). */
function passwdHomes(): string[] {
  if (process.platform === 'win32') return []
  let text: string
  try {
    text = fs.readFileSync('/etc/passwd', 'utf8')
  } catch {
    return []
  }
  const homes = text.split('\n').map((line) => line.split(':')[5])
  // A home of "/" would make every folder a home's parent: the root is refused on its own anyway.
  return homes.filter((h): h is string => typeof h === 'string' && h.startsWith('/') && h !== '/')
}
