// Raw HTTP over a TCP socket, so tests control every byte of the request and see every byte back.

import net from 'node:net'

/** Sends `request` as is and collects the reply until the server closes (or `ms` passes). */
export function rawHttp(port: number, request: string | Buffer, host = '127.0.0.1', ms = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const s = net.connect({ host, port }, () => s.write(request))
    const timer = setTimeout(() => {
      s.destroy()
      reject(new Error(`server did not close within ${ms} ms; got:\n${Buffer.concat(chunks).toString('latin1').slice(0, 500)}`))
    }, ms)
    s.on('data', (d) => chunks.push(d))
    s.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
    s.on('error', () => {})
  })
}

export interface ParsedResponse {
  status: number
  statusLine: string
  headers: Map<string, string>
  body: Buffer
}

/** Splits a byte stream into responses; bodies are delimited by Content-Length (none for HEAD/304). */
export function parseResponses(bytes: Buffer, headRequests = new Set<number>()): ParsedResponse[] {
  const out: ParsedResponse[] = []
  let at = 0
  while (at < bytes.length) {
    const end = bytes.indexOf('\r\n\r\n', at, 'latin1')
    if (end < 0) throw new Error(`incomplete response head: ${bytes.toString('latin1', at, at + 200)}`)
    const [statusLine, ...lines] = bytes.toString('latin1', at, end).split('\r\n')
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]))
    const status = Number(statusLine.split(' ')[1])
    const noBody = headRequests.has(out.length) || status === 304
    const length = noBody ? 0 : Number(headers.get('content-length') ?? bytes.length - end - 4)
    out.push({ status, statusLine, headers, body: bytes.subarray(end + 4, end + 4 + length) })
    at = end + 4 + length
  }
  return out
}

export async function get(port: number, target: string, extraHeaders = '', host = '127.0.0.1'): Promise<ParsedResponse> {
  const reply = await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n${extraHeaders}\r\n`, host)
  return parseResponses(reply)[0]
}

/** Sends requests one at a time on one connection, each after the previous reply has arrived. */
export function exchangeOnOneConnection(port: number, requests: string[]): Promise<ParsedResponse[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port })
    let buf = Buffer.alloc(0)
    let sent = 0
    const next = (): void => {
      s.write(requests[sent++])
    }
    s.on('connect', next)
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      try {
        const rs = parseResponses(buf)
        const complete = rs.length > 0 && rs.every((r) => r.body.length === Number(r.headers.get('content-length')))
        if (!complete) return
        if (rs.length === requests.length) return resolve(rs), s.destroy()
        if (rs.length === sent) next()
      } catch {
        // A partial head: wait for more bytes.
      }
    })
    s.on('error', reject)
    setTimeout(() => reject(new Error(`timed out after ${sent} requests:\n${buf.toString('latin1')}`)), 5000)
  })
}
