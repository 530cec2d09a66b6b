// The assignment's message and lines. The ping is one line of ASCII, `Ping sequence_number time`,
// the sequence number from 1, the time when the client sends it (seconds since the epoch here, as
// Python's time.time() gives it). These lines are the assignment's own: never translated.

export const pingMessage = (seq: number, epochSeconds: number): string => `Ping ${seq} ${epochSeconds.toFixed(6)}`

/** The sequence number of a ping or of its upper-cased reply (`PING 3 …`); undefined for anything else. */
export function parsePingSeq(text: string): number | undefined {
  const m = /^ping (\d{1,9})(?: |$)/i.exec(text)
  return m ? Number(m[1]) : undefined
}

/** The line printed for a reply: the server's message, then the round trip time in seconds, as the assignment asks. */
export const replyLine = (reply: string, rttMs: number): string => `${reply} RTT: ${(rttMs / 1000).toFixed(6)} s`

/** The assignment's line for a ping with no reply within the timeout. */
export const TIMED_OUT = 'Request timed out'
