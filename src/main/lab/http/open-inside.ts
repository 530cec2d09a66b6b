// Opens a file or lists a folder of the served folder, then checks where the descriptor really
// points. Checking a path and opening it a moment later is a race: a folder on the way can be
// swapped for a symlink to /etc in between. A descriptor cannot be swapped: what it points at is
// what gets read, so that is what is checked.

import fs from 'node:fs'
import fsp, { type FileHandle } from 'node:fs/promises'

/**
 * How to learn where a descriptor points. Linux names it in /proc/self/fd. Elsewhere the path is
 * resolved again after the open, and the file found there must be the very file opened (same
 * device and inode).
 */
export type Locator = 'proc' | 'identity'
export const defaultLocator: Locator = process.platform === 'linux' && fs.existsSync('/proc/self/fd') ? 'proc' : 'identity'

/** Why a real path must not be served (outside the folder, a dot-file), or undefined if it may be. */
export type PathCheck = (realPath: string) => string | undefined

export type Checked<T> = { ok: T } | { refused: string }

export interface OpenedFile {
  handle: FileHandle
  size: number
  mtimeMs: number
  isFile: boolean
}

const { O_RDONLY = 0, O_NONBLOCK = 0, O_DIRECTORY = 0 } = fs.constants
/** What a swapped folder looks like to the check: the file is no longer where it was. */
const MOVED = 'a symlink leads outside the served folder'

/**
 * Opens `file` for reading, if the opened file passes `check`. Errors of the open itself
 * (ENOENT, EACCES) are thrown for the caller to word.
 */
export async function openFileInside(file: string, check: PathCheck, locator = defaultLocator): Promise<Checked<OpenedFile>> {
  // O_NONBLOCK: a FIFO swapped in for the file must not hang the open (it is refused below as not a file).
  const handle = await fsp.open(file, O_RDONLY | O_NONBLOCK)
  try {
    const stat = await handle.stat({ bigint: true })
    const where = locator === 'proc' ? await procPath(handle) : await sameFileAt(file, stat)
    const refused = where === undefined ? MOVED : check(where)
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

/** The entries of folder `dir` (names as raw bytes), if the folder listed passes `check`. */
export async function listFolderInside(dir: string, check: PathCheck, locator = defaultLocator): Promise<Checked<fs.Dirent<Buffer>[]>> {
  if (locator === 'proc') {
    const handle = await fsp.open(dir, O_RDONLY | O_DIRECTORY)
    try {
      const where = await procPath(handle)
      const refused = where === undefined ? MOVED : check(where)
      if (refused) return { refused }
      // Listed through the descriptor: the folder checked is the folder listed.
      return { ok: await fsp.readdir(`/proc/self/fd/${handle.fd}`, { withFileTypes: true, encoding: 'buffer' }) }
    } finally {
      await handle.close()
    }
  }
  // Without /proc a folder can only be listed by path: it must be the same inside folder before
  // and after (a swap and a swap back within one readdir would go unseen; files never can).
  const before = await identity(dir)
  const entries = await fsp.readdir(dir, { withFileTypes: true, encoding: 'buffer' })
  const after = await identity(dir)
  if (!before || !after || before.id !== after.id) return { refused: MOVED }
  const refused = check(before.real) ?? check(after.real)
  return refused ? { refused } : { ok: entries }
}

async function procPath(handle: FileHandle): Promise<string | undefined> {
  return fsp.readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined)
}

/** The real path of `file` now, if the file there is the one opened (`opened`: its fstat). */
async function sameFileAt(file: string, opened: fs.BigIntStats): Promise<string | undefined> {
  const now = await identity(file)
  return now?.id === `${opened.dev}:${opened.ino}` ? now.real : undefined
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
