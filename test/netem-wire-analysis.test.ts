// The Wire view's analysis of TCP segments on crafted packet lists: a segment carrying bytes its
// sender had already sent is a retransmission ("retransmission of seq N"), an ACK repeated while
// the other side has sent beyond it a duplicate ACK; an ordinary exchange has neither. The real
// retransmissions of a lossy network are in netem-retransmission.test.ts.

import { describe, expect, it } from 'vitest'
import { ConversationTracker } from '../src/engine/capture/conversation-tracker'
import { decodePackets } from '../src/shared/feed'
import type { PacketsMessage } from '../src/shared/feed'
import { createI18n } from '../src/shared/i18n/i18n'
import { ANALYSIS_DATA_PARAMS, stepWords, wireColumns, wireLine, type TcpFlag, type WirePacket } from '../src/shared/wire'
import { sayParts } from '../src/renderer/src/wire/words'

const en = createI18n('en').t
const it_ = createI18n('it').t

const CLIENT = { address: '127.0.0.1', port: 40000, family: 'IPv4' as const }
const SERVER = { address: '127.0.0.1', port: 12000, family: 'IPv4' as const }

/** A conversation's packets, numbered in order: [from, flags, seq, ack, length, window?]. */
type Row = ['c' | 's', string, number, number, number, number?]
function packets(rows: Row[]): WirePacket[] {
  return rows.map(([from, flags, seq, ack, length, window], i) => ({
    no: i + 1,
    time: 1_000_000 + i * 1000,
    proto: 'TCP',
    family: 'IPv4',
    src: from === 'c' ? CLIENT : SERVER,
    dst: from === 'c' ? SERVER : CLIENT,
    conversation: 'TCP 0',
    flags: flags.split('-').filter(Boolean) as TcpFlag[],
    seq,
    ack: flags.includes('ACK') ? ack : undefined,
    window: window ?? 65536,
    length
  }))
}

function tracked(rows: Row[]): WirePacket[] {
  const tracker = new ConversationTracker([SERVER.port])
  const list = packets(rows)
  list.forEach((p) => tracker.track(p))
  return list
}

/** "no: words" of each packet the analysis named. */
const named = (list: WirePacket[], t = en): string[] => list.filter((p) => p.analysis).map((p) => `${p.no}: ${stepWords(t, p)}`)

const HANDSHAKE: Row[] = [
  ['c', 'SYN', 0, 0, 0],
  ['s', 'SYN-ACK', 0, 1, 0],
  ['c', 'ACK', 1, 1, 0]
]

describe('retransmissions and duplicate ACKs in the Wire view', () => {
  it('an ordinary exchange (handshake, data both ways, each side closing) has neither', () => {
    const list = tracked([
      ...HANDSHAKE,
      ['c', 'PSH-ACK', 1, 1, 11],
      ['s', 'ACK', 1, 12, 0],
      ['s', 'PSH-ACK', 1, 12, 11],
      ['c', 'ACK', 12, 12, 0],
      ['s', 'FIN-ACK', 12, 12, 0],
      ['c', 'FIN-ACK', 12, 13, 0],
      ['s', 'ACK', 13, 13, 0]
    ])
    expect(named(list)).toEqual([])
    expect(list.map((p) => p.step).filter(Boolean)).toEqual(['handshake-1', 'handshake-2', 'handshake-3', 'server-close', 'client-close', 'last-ack'])
  })

  it('a lost segment: the receiver repeats its ACK, the sender sends the bytes again', () => {
    // Three segments of 1000 bytes; the second was lost (the capture saw it, the receiver did not).
    const list = tracked([
      ...HANDSHAKE,
      ['c', 'ACK', 1, 1, 1000],
      ['c', 'ACK', 1001, 1, 1000],
      ['c', 'PSH-ACK', 2001, 1, 1000],
      ['s', 'ACK', 1, 1001, 0],
      ['s', 'ACK', 1, 1001, 0],
      ['s', 'ACK', 1, 1001, 0],
      ['c', 'ACK', 1001, 1, 1000],
      ['s', 'ACK', 1, 3001, 0]
    ])
    expect(named(list)).toEqual([
      '8: duplicate ACK #1: still waits for seq 1001',
      '9: duplicate ACK #2: still waits for seq 1001',
      '10: retransmission of seq 1001'
    ])
    expect(named(list, it_)).toEqual(['8: ACK duplicato n. 1: attende ancora seq 1001', '9: ACK duplicato n. 2: attende ancora seq 1001', '10: ritrasmissione di seq 1001'])
    expect(list[9].analysis).toEqual({ kind: 'retransmission', seq: 1001 })
    // The last ACK moves on: no more duplicates.
    expect(list[10].analysis).toBeUndefined()
    // `socklab watch` prints the same words, in either language.
    expect(wireLine(en, list[9], 1_000_000)).toMatch(/seq=1001 ack=1 .*len=1000 +retransmission of seq 1001$/)
    expect(wireLine(it_, list[9], 1_000_000)).toMatch(/ritrasmissione di seq 1001$/)
  })

  it('a segment sent again whose first copy the capture never saw is not one (nothing beyond it was seen)', () => {
    // A lost tail: the first copy was dropped before the capture; its retransmission is the first seen.
    const list = tracked([...HANDSHAKE, ['c', 'PSH-ACK', 1, 1, 500], ['s', 'ACK', 1, 501, 0]])
    expect(named(list)).toEqual([])
  })

  it('a segment carrying bytes already sent, after later ones: a retransmission even when the first copy was not captured', () => {
    const list = tracked([...HANDSHAKE, ['c', 'ACK', 1001, 1, 1000], ['c', 'ACK', 1, 1, 1000]])
    expect(named(list)).toEqual(['5: retransmission of seq 1'])
  })

  it('SYN and FIN sent again: a retransmission of that step, named with it', () => {
    const list = tracked([
      ['c', 'SYN', 0, 0, 0],
      ['c', 'SYN', 0, 0, 0],
      ['s', 'SYN-ACK', 0, 1, 0],
      ['c', 'ACK', 1, 1, 0],
      ['c', 'FIN-ACK', 1, 1, 0],
      ['c', 'FIN-ACK', 1, 1, 0],
      ['s', 'ACK', 1, 2, 0]
    ])
    expect(named(list)).toEqual(['2: retransmission of seq 0: handshake 1/3', '6: retransmission of seq 1: the client closes its side'])
    expect(named(list, it_)).toEqual(['2: ritrasmissione di seq 0: handshake 1/3', '6: ritrasmissione di seq 1: chiusura lato client'])
    // The steps stay what they are: the connection still opens and closes.
    expect(list[1].step).toBe('handshake-1')
  })

  it('an ACK repeated with nothing outstanding, or with a new window (a window update), is no duplicate ACK', () => {
    const list = tracked([
      ...HANDSHAKE,
      ['c', 'PSH-ACK', 1, 1, 100],
      ['s', 'ACK', 1, 101, 0, 1000],
      ['s', 'ACK', 1, 101, 0, 1000],
      ['s', 'ACK', 1, 101, 0, 65536]
    ])
    expect(named(list)).toEqual([])
  })

  it('a RST is never a retransmission', () => {
    const list = tracked([...HANDSHAKE, ['c', 'PSH-ACK', 1, 1, 100], ['s', 'ACK', 1, 101, 0], ['c', 'RST-ACK', 1, 1, 0]])
    expect(named(list)).toEqual([])
    expect(list[5].step).toBe('reset')
  })

  it('the view marks the seq and ack numbers as data within the words', () => {
    const list = tracked([...HANDSHAKE, ['c', 'ACK', 1001, 1, 1000], ['c', 'ACK', 1, 1, 1000], ['s', 'ACK', 1, 1, 0]])
    const words = createI18n('it').t as never
    const retransmission = wireColumns(list[4], 0).step!
    expect(sayParts(words, retransmission, ANALYSIS_DATA_PARAMS)).toEqual([
      { text: 'ritrasmissione di seq ', data: false },
      { text: '1', data: true }
    ])
    // The SYN-ACK acknowledged 1 already: the first pure ACK of 1 repeats it.
    const dup = wireColumns(list[5], 0).step!
    expect(sayParts(createI18n('en').t as never, dup, ANALYSIS_DATA_PARAMS)).toEqual([
      { text: 'duplicate ACK #', data: false },
      { text: '1', data: true },
      { text: ': still waits for seq ', data: false },
      { text: '1', data: true }
    ])
  })

  it('the feed carries the analysis to the window, and refuses one that is not', () => {
    const list = tracked([...HANDSHAKE, ['c', 'ACK', 1001, 1, 1000], ['c', 'ACK', 1, 1, 1000]])
    const message = (packets: unknown[]): PacketsMessage => ({ packets }) as unknown as PacketsMessage
    expect(decodePackets(message(JSON.parse(JSON.stringify(list)))).packets[4].analysis).toEqual({ kind: 'retransmission', seq: 1 })
    expect(() => decodePackets(message([{ ...list[4], analysis: { kind: 'retransmission', seq: -1 } }]))).toThrow(/no valid analysis/)
    expect(() => decodePackets(message([{ ...list[4], analysis: { kind: 'dup-ack', ack: 1, count: 0 } }]))).toThrow(/no valid analysis/)
  })
})
