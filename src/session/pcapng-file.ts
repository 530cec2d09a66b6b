// The pcapng a live capture writes, read while tshark still writes it: cut after its last whole
// block (the one being written may be half there), and the files of successive captures streamed
// as sections of one file (pcapng allows many sections; Wireshark and tshark number the frames on).

import fs from 'node:fs/promises'

const SECTION_HEADER = 0x0a0d0d0a
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
/** Type, length, and the length again: no block is shorter. */
const MIN_BLOCK = 12

/** The longest prefix of `data` made of whole pcapng blocks (the tests' reference for keptBlocks). */
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

/** Blocks that hold one packet each: enhanced, simple and (obsolete) packet blocks. */
const PACKET_BLOCKS = new Set([6, 3, 2])

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

const INTERFACE_BLOCK = 1
const ENHANCED_PACKET = 6

/**
 * How many packets of a capture file come after frame `after` and were captured before `beforeUs`
 * (µs since the epoch), on one of `ports` when given: the packets a capture held but had not
 * dissected when it was let go (see LabCapture's catching up). Enhanced packet blocks only, in
 * the byte order of the machine that wrote them (dumpcap, here); streamed like the export.
 */
export async function countFramesAfter(file: string, after: number, beforeUs: number, ports?: ReadonlySet<number>): Promise<number> {
  let count = 0
  let linkType = 1
  /** Timestamp units per second (pcapng's if_tsresol; microseconds unless the interface says). */
  let perSecond = 1e6
  for await (const chunk of keptBlocks(file, { has: (f) => f > after })) {
    let at = 0
    while (at + MIN_BLOCK <= chunk.length) {
      const type = chunk.readUInt32LE(at)
      const length = chunk.readUInt32LE(at + 4)
      if (type === INTERFACE_BLOCK) {
        linkType = chunk.readUInt16LE(at + 8)
        perSecond = tsResolution(chunk.subarray(at + 16, at + length - 4))
      } else if (type === ENHANCED_PACKET) {
        const ts = chunk.readUInt32LE(at + 12) * 2 ** 32 + chunk.readUInt32LE(at + 16)
        const us = (ts / perSecond) * 1e6
        const caplen = chunk.readUInt32LE(at + 20)
        const data = chunk.subarray(at + 28, at + 28 + caplen)
        const p = ports ? portsOf(linkType, data) : undefined
        if (us < beforeUs && (!ports || (p && (ports.has(p[0]) || ports.has(p[1]))))) count++
      }
      at += length
    }
  }
  return count
}

/** The interface's if_tsresol option (code 9): units per second. */
function tsResolution(options: Buffer): number {
  let at = 0
  while (at + 4 <= options.length) {
    const code = options.readUInt16LE(at)
    const len = options.readUInt16LE(at + 2)
    if (code === 0) break
    if (code === 9 && len >= 1) {
      const v = options[at + 4]
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v
    }
    at += 4 + Math.ceil(len / 4) * 4
  }
  return 1e6
}

/** The source and destination ports of a TCP or UDP packet on a loopback link (Ethernet on Linux, BSD loopback elsewhere). */
export function portsOf(linkType: number, data: Buffer): [number, number] | undefined {
  let ip: number
  let version: number
  if (linkType === 1) {
    if (data.length < 14) return undefined
    const ethertype = data.readUInt16BE(12)
    version = ethertype === 0x0800 ? 4 : ethertype === 0x86dd ? 6 : 0
    ip = 14
  } else if (linkType === 0 || linkType === 108) {
    ip = 4
    version = data.length > 4 ? data[4] >> 4 : 0
  } else return undefined
  let l4: number
  let proto: number
  if (version === 4 && data.length >= ip + 20) {
    proto = data[ip + 9]
    l4 = ip + (data[ip] & 0x0f) * 4
  } else if (version === 6 && data.length >= ip + 40) {
    proto = data[ip + 6]
    l4 = ip + 40
  } else return undefined
  if ((proto !== 6 && proto !== 17) || data.length < l4 + 4) return undefined
  return [data.readUInt16BE(l4), data.readUInt16BE(l4 + 2)]
}
