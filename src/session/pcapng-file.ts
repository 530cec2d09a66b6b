// The pcapng a live capture writes, read while tshark still writes it: cut after its last whole
// block (the one being written may be half there), and the files of successive captures joined as
// sections of one file (pcapng allows many sections; Wireshark and tshark number the frames on).

import fs from 'node:fs/promises'

const SECTION_HEADER = 0x0a0d0d0a
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
/** Type, length, and the length again: no block is shorter. */
const MIN_BLOCK = 12

/** The longest prefix of `data` made of whole pcapng blocks. */
export function wholeBlocks(data: Buffer): Buffer {
  let at = 0
  let littleEndian = true
  while (at + MIN_BLOCK <= data.length) {
    if (data.readUInt32LE(at) === SECTION_HEADER) {
      // A section says its own byte order, right after its length.
      if (at + 12 > data.length) break
      littleEndian = data.readUInt32LE(at + 8) === BYTE_ORDER_MAGIC
    }
    const length = littleEndian ? data.readUInt32LE(at + 4) : data.readUInt32BE(at + 4)
    if (length < MIN_BLOCK || length % 4 !== 0 || at + length > data.length) break
    at += length
  }
  return data.subarray(0, at)
}

/** One file of many captures, each a section of its own; null when none holds a block. */
export function joinSections(files: readonly Buffer[]): Buffer | null {
  const parts = files.map(wholeBlocks).filter((b) => b.length > 0)
  return parts.length ? Buffer.concat(parts) : null
}

/** Blocks that hold one packet each: enhanced, simple and (obsolete) packet blocks. */
const PACKET_BLOCKS = new Set([6, 3, 2])

/**
 * The whole blocks of one capture's file without the packets numbered in `drop` (1 for its first
 * packet, as tshark numbers the frames of the file it writes).
 */
export function withoutFrames(data: Buffer, drop: ReadonlySet<number>): Buffer {
  const whole = wholeBlocks(data)
  if (drop.size === 0) return whole
  const kept: Buffer[] = []
  let at = 0
  let frame = 0
  let littleEndian = true
  while (at < whole.length) {
    const type = littleEndian ? whole.readUInt32LE(at) : whole.readUInt32BE(at)
    if (whole.readUInt32LE(at) === SECTION_HEADER) littleEndian = whole.readUInt32LE(at + 8) === BYTE_ORDER_MAGIC
    const length = littleEndian ? whole.readUInt32LE(at + 4) : whole.readUInt32BE(at + 4)
    const isPacket = PACKET_BLOCKS.has(type)
    if (isPacket) frame++
    if (!(isPacket && drop.has(frame))) kept.push(whole.subarray(at, at + length))
    at += length
  }
  return Buffer.concat(kept)
}

/** Bytes read from a capture file at a time while exporting: the export's memory, whatever the capture's size. */
const READ_CHUNK = 256 * 1024

/**
 * Streams the whole blocks of one capture's file, keeping of its packets only those numbered in
 * `keep` (1 for its first, as tshark numbers them). Reads READ_CHUNK at a time, up to the size the
 * file had when the export began (tshark may still write it: a half-written block is left out).
 */
export async function* keptBlocks(file: string, keep: { has(frame: number, cursor?: { at: number }): boolean }): AsyncGenerator<Buffer> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(file, 'r')
  } catch {
    // Deleted meanwhile (its packets are counted as no longer in the export): nothing to add.
    return
  }
  try {
    const size = (await handle.stat()).size
    let carry = Buffer.alloc(0)
    let position = 0
    let frame = 0
    let littleEndian = true
    const cursor = { at: 0 }
    while (position < size) {
      const chunk = Buffer.alloc(Math.min(READ_CHUNK, size - position))
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position)
      if (bytesRead === 0) break
      position += bytesRead
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead)
      const out: Buffer[] = []
      let at = 0
      while (at + MIN_BLOCK <= data.length) {
        if (data.readUInt32LE(at) === SECTION_HEADER) {
          if (at + 12 > data.length) break
          littleEndian = data.readUInt32LE(at + 8) === BYTE_ORDER_MAGIC
        }
        const type = littleEndian ? data.readUInt32LE(at) : data.readUInt32BE(at)
        const length = littleEndian ? data.readUInt32LE(at + 4) : data.readUInt32BE(at + 4)
        // A corrupt length ends the file here: what came before it is whole.
        if (length < MIN_BLOCK || length % 4 !== 0) return void (out.length && (yield Buffer.concat(out)))
        if (at + length > data.length) break
        const isPacket = PACKET_BLOCKS.has(type)
        if (isPacket) frame++
        if (!isPacket || keep.has(frame, cursor)) out.push(data.subarray(at, at + length))
        at += length
      }
      // Copied: the rest of a large chunk must not stay alive through a view of it.
      carry = Buffer.from(data.subarray(at))
      if (out.length) yield Buffer.concat(out)
    }
  } finally {
    await handle.close()
  }
}
