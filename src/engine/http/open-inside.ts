// Opens a file or lists a folder of the served folder, then checks where the descriptor really
// points. Checking a path and opening it a moment later is a race: a folder on the way can be
// swapped for a symlink to /etc in between. A descriptor cannot be swapped: what it points at is
// what gets read, so that is what is checked.
//
// Linux names a descriptor's file in /proc/self/fd: exact. macOS opens the real path with
// O_NOFOLLOW_ANY, so a folder on the way swapped for a symlink fails the open. Windows has
// neither: there the path is resolved again after the open and must lead to the very file opened
// (same device and inode), which a swap and a swap back in between could fool; making symlinks
// there takes an administrator or developer mode.

import fs from 'node:fs'
import fsp, { type FileHandle } from 'node:fs/promises'
import { said, type Said } from '../../shared/i18n/said'

/** Why a real path must not be served (outside the folder, a dot-file), or undefined if it may be. */
export type PathCheck = (realPath: string) => Said | undefined

export type Checked<T> = { ok: T } | { refused: Said }

export interface OpenedFile {
  handle: FileHandle
  size: number
  mtimeMs: number
  isFile: boolean
}

const PROC = process.platform === 'linux' && fs.existsSync('/proc/self/fd')
/** Where a folder's descriptor can be opened again by name, to be listed: Linux's /proc, macOS's /dev/fd. */
const FD_FOLDER = PROC ? '/proc/self/fd' : process.platform !== 'win32' && fs.existsSync('/dev/fd') ? '/dev/fd' : undefined
/** macOS 11+: no symlink anywhere in the path (the paths opened are real paths: a symlink in one is a swap). */
const O_NOFOLLOW_ANY = process.platform === 'darwin' ? 0x20000000 : 0
const { O_RDONLY = 0, O_NONBLOCK = 0, O_DIRECTORY = 0 } = fs.constants
/** What a swapped folder looks like to the check: the file is no longer where it was. */
const MOVED = said('http:missing.symlinkOutside')

/**
 * Opens `file` (a real path) for reading, if the opened file passes `check`. Errors of the open
 * itself (ENOENT, EACCES, ELOOP) are thrown for the caller to word.
 */
export async function openFileInside(file: string, check: PathCheck): Promise<Checked<OpenedFile>> {
  // O_NONBLOCK: a FIFO swapped in for the file must not hang the open (it is refused as not a file).
  const handle = await fsp.open(file, O_RDONLY | O_NONBLOCK | O_NOFOLLOW_ANY)
  try {
    const stat = await handle.stat({ bigint: true })
    const refused = verdict(await whereOpened(handle, file, stat), check)
    if (refused) {
      await handle.close()
      return { refused }
    }
    return { ok: { handle, size: Number(stat.size), mtimeMs: Number(stat.mtimeMs), isFile: stat.isFile() } }
  } catch (err) {
    await handle.close()
    throw err
  }
}

/** The entries of folder `dir` (a real path; names as raw bytes), if the folder listed passes `check`. */
export async function listFolderInside(dir: string, check: PathCheck): Promise<Checked<fs.Dirent<Buffer>[]>> {
  if (FD_FOLDER) {
    const handle = await fsp.open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW_ANY)
    try {
      const refused = verdict(await whereOpened(handle, dir, await handle.stat({ bigint: true })), check)
      if (refused) return { refused }
      // Listed through the descriptor: the folder checked is the folder listed.
      return { ok: await fsp.readdir(`${FD_FOLDER}/${handle.fd}`, { withFileTypes: true, encoding: 'buffer' }) }
    } finally {
      await handle.close()
    }
  }
  // Windows cannot open a folder as a descriptor: it is listed by path, and must be the same
  // folder, inside, before and after.
  const before = await identity(dir)
  const entries = await fsp.readdir(dir, { withFileTypes: true, encoding: 'buffer' })
  const after = await identity(dir)
  if (!before || !after || before.id !== after.id) return { refused: MOVED }
  const refused = check(before.real) ?? check(after.real)
  return refused ? { refused } : { ok: entries }
}

function verdict(where: string | undefined, check: PathCheck): Said | undefined {
  return where === undefined ? MOVED : check(where)
}

/** The real path of what `handle` (opened as `opened`, `stat` its fstat) points at; undefined if it is not there any more. */
async function whereOpened(handle: FileHandle, opened: string, stat: fs.BigIntStats): Promise<string | undefined> {
  if (PROC) return fsp.readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined)
  const now = await identity(opened)
  return now?.id === `${stat.dev}:${stat.ino}` ? now.real : undefined
}

async function identity(file: string): Promise<{ real: string; id: string } | undefined> {
  try {
    const real = await fsp.realpath(file)
    const stat = await fsp.stat(real, { bigint: true })
    return { real, id: `${stat.dev}:${stat.ino}` }
  } catch {
    return undefined
  }
}
