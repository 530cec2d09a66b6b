// `socklab relay` as the CLI will run it: the options in order (--c2s, --s2c, --both), the
// records worded from the catalog, and the summary of what went each way on Ctrl-C.

import { PassThrough } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { parseRelayArgv, recordLine, relayArgvProblem, relayWords, runRelay, startLines, type RelayOptions } from '../../src/cli/relay-command'
import type { Relay } from '../../src/engine/relay/types'
import { setCliLang } from '../../src/cli/words'
import { freePort } from '../helpers/processes'
import { udpEcho, udpPeer, until, tcpSink, connect } from './helpers'

let cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const c of cleanup.reverse()) await c()
  cleanup = []
  setCliLang('en')
})

function capture(): { io: { out: PassThrough; err: PassThrough }; out: () => string; err: () => string } {
  const out = new PassThrough()
  const err = new PassThrough()
  let o = ''
  let e = ''
  out.on('data', (d) => (o += d))
  err.on('data', (d) => (e += d))
  return { io: { out, err }, out: () => o, err: () => e }
}

describe('relay options', () => {
  it('an impairment applies to the direction last chosen, both by default', () => {
    const o = parseRelayArgv(['--listen', '13000', '--to', '127.0.0.1:12000', '--udp', '--seed', '42', '--delay', '10', '--c2s', '--loss', '20', '--s2c', '--duplicate', '5', '--both', '--jitter', '3']) as RelayOptions
    expect(o).toMatchObject({ udp: true, listenAddress: '0.0.0.0', listenPort: 13000, toHost: '127.0.0.1', toPort: 12000, seed: 42 })
    expect(o.c2s).toEqual({ delay: 10, loss: 20, jitter: 3 })
    expect(o.s2c).toEqual({ delay: 10, duplicate: 5, jitter: 3 })
  })

  it('takes IPv6 addresses in brackets, and -6 listens on ::', () => {
    const o = parseRelayArgv(['-6', '--listen', '13000', '--to', '[::1]:12000', '--rate', '50', '--slice', '100', '--slice-delay', '5', '--limit', '1000', '--reset-after', '2000']) as RelayOptions
    expect(o).toMatchObject({ udp: false, listenAddress: '::', toHost: '::1', toPort: 12000 })
    expect(o.c2s).toEqual({ rate: 50, slice: 100, sliceDelay: 5, limit: 1000, resetAfter: 2000 })
  })

  it('refuses what it cannot use, naming the option', () => {
    expect(parseRelayArgv(['--listen', '13000', '--to', '127.0.0.1:12000', '--udp', '--loss', '120'])).toEqual({ bad: '--loss', rule: 'percent' })
    expect(parseRelayArgv(['--listen', '13000', '--to', '127.0.0.1:12000', '--delay', 'soon'])).toEqual({ bad: '--delay', rule: 'number' })
    expect(parseRelayArgv(['--listen', '13000', '--to', '12000'])).toEqual({ bad: '--to', rule: 'target' })
    expect(parseRelayArgv(['--to', '127.0.0.1:12000'])).toEqual({ bad: '--listen', rule: 'port' })
    expect(parseRelayArgv(['--listen', '13000', '--to', 'h:1', '--seed', '-1'])).toMatchObject({ rule: 'unknown' })
    // Each kind of relay takes its own impairments only.
    expect(parseRelayArgv(['--listen', '13000', '--to', 'h:1', '--loss', '5'])).toEqual({ bad: '--loss', rule: 'udpOnly' })
    expect(parseRelayArgv(['--listen', '13000', '--to', 'h:1', '--udp', '--slice', '5'])).toEqual({ bad: '--slice', rule: 'tcpOnly' })
  })
})

describe('runRelay', () => {
  it('UDP: says what it does as it happens, and what went each way when stopped, in the CLI language', async () => {
    for (const lang of ['en', 'it'] as const) {
      setCliLang(lang)
      const echo = await udpEcho('127.0.0.1')
      cleanup.push(() => echo.close())
      const port = await freePort()
      const c = capture()
      let stop!: () => void
      const running = runRelay({ udp: true, listenAddress: '127.0.0.1', listenPort: port, toHost: '127.0.0.1', toPort: echo.port, seed: 7, c2s: { loss: 30 }, s2c: { delay: 20 } }, new Promise<void>((r) => (stop = r)), c.io)
      await until(() => c.out().includes('seed 7'), 3000, 'the relay to start')
      const peer = await udpPeer('127.0.0.1')
      cleanup.push(() => peer.close())
      await peer.sendMany(40, port)
      await until(() => echo.seqs.length > 0 && peer.replies.length === echo.seqs.length, 3000, 'the replies')
      await new Promise((r) => setTimeout(r, 100))
      stop()
      expect(await running).toBe(0)
      const lines = c.out().trimEnd().split('\n')
      const dropped = 40 - echo.seqs.length
      // `seq N ` and 20 x's: the bytes of the datagrams that got through.
      const bytes = echo.seqs.reduce((a, n) => a + `seq ${n} `.length + 20, 0)
      if (lang === 'en') {
        expect(lines[0]).toBe(`Relay (UDP) on (127.0.0.1, ${port}), forwarding to the server (127.0.0.1, ${echo.port}), seed 7`)
        expect(lines[1]).toBe('client → server: loss 30%')
        expect(lines[2]).toBe('server → client: delay 20 ms')
        expect(lines.filter((l) => / datagram \d+ \(\d+ B\) dropped$/.test(l)).length).toBe(dropped)
        expect(lines.at(-3)).toBe(`client → server: forwarded ${40 - dropped} (${bytes} B), dropped ${dropped}, duplicated 0, reordered 0, delayed 0`)
        expect(lines.at(-2)).toBe(`server → client: forwarded ${40 - dropped} (${bytes} B), dropped 0, duplicated 0, reordered 0, delayed ${40 - dropped}`)
        expect(lines.at(-1)).toBe('clients (one per source address and port): 1 in all; forgotten after 60 s of silence: 0; dropped to make room for others (at most 256 at once): 0')
      } else {
        expect(lines[0]).toBe(`Relay (UDP) su (127.0.0.1, ${port}), inoltra al server (127.0.0.1, ${echo.port}), seed 7`)
        expect(lines[1]).toBe('client → server: perdita 30%')
        expect(lines.filter((l) => / datagramma \d+ \(\d+ B\) perso$/.test(l)).length).toBe(dropped)
        expect(lines).toContain('Cosa ha fatto il relay:')
        expect(lines.at(-3)).toBe(`client → server: inoltrati ${40 - dropped} (${bytes} B), persi ${dropped}, duplicati 0, riordinati 0, ritardati 0`)
        expect(lines.at(-1)).toBe('client (uno per indirizzo e porta d’origine): 1 in tutto; dimenticati dopo 60 s di silenzio: 0; tolti per fare posto ad altri (al massimo 256 insieme): 0')
      }
    }
  })

  it('TCP: says it cannot lose segments only where a delay or a rate is set, and counts the slices', async () => {
    const sink = await tcpSink('127.0.0.1')
    cleanup.push(() => sink.close())
    const port = await freePort()
    const c = capture()
    let stop!: () => void
    const running = runRelay({ udp: false, listenAddress: '127.0.0.1', listenPort: port, toHost: '127.0.0.1', toPort: sink.port, c2s: { slice: 10 }, s2c: {} }, new Promise<void>((r) => (stop = r)), c.io)
    await until(() => c.out().includes('seed'), 3000, 'the relay to start')
    const s = await connect('127.0.0.1', port)
    s.end('a sentence of 30 bytes, sliced')
    await until(() => !!sink.conns[0]?.ended, 3000, 'the bytes')
    stop()
    await running
    const out = c.out()
    // Slicing loses nothing a student would look for: no note about lost segments.
    expect(out).not.toContain('cannot lose segments')
    expect(out).toContain('client → server: writes 3 (30 B), delayed reads 0, slices 3')
    expect(out).toContain('read 1 (30 B) sent as 3 writes')
    expect(out).toContain('connections: 1')
    s.destroy()
  })

  it('a port in use is one ERROR line from the catalog, and exit status 1', async () => {
    const echo = await udpEcho('127.0.0.1')
    cleanup.push(() => echo.close())
    const c = capture()
    setCliLang('it')
    const code = await runRelay({ udp: true, listenAddress: '127.0.0.1', listenPort: echo.port, toHost: '127.0.0.1', toPort: echo.port, c2s: {}, s2c: {} }, Promise.resolve(), c.io)
    expect(code).toBe(1)
    expect(c.err()).toBe(`ERROR: la porta ${echo.port} è già in uso su 127.0.0.1\n`)
  })

  it('every kind of record has words', () => {
    const t = relayWords()
    const at = 1.5
    const dir = 'c2s' as const
    const lines = [
      recordLine(t, { type: 'flow-open', at, flow: 1, client: { address: '::1', port: 5, family: 'IPv6' }, upstream: { address: '::', port: 6, family: 'IPv6' } }, true),
      recordLine(t, { type: 'flow-close', at, flow: 1, reason: 'server-reset' }, false),
      recordLine(t, { type: 'duplicate', at, dir, flow: 1, n: 2, bytes: 3 }, true),
      recordLine(t, { type: 'reorder', at, dir, flow: 1, n: 2, overtakenBy: 3 }, true),
      recordLine(t, { type: 'delay', at, dir, flow: 1, n: 2, bytes: 3, delayMs: 40 }, false),
      recordLine(t, { type: 'limit', at, dir, flow: 1, limit: 1000 }, false),
      recordLine(t, { type: 'reset', at, flow: 1, afterMs: 500, sides: ['server', 'client'] }, false),
      recordLine(t, { type: 'error', at, side: 'listen', code: 'EPERM', message: 'x' }, true)
    ]
    expect(lines).toEqual([
      '1.5 ms #1: client (::1, 5), to the server from (::, 6)',
      '1.5 ms #1 ended: the server reset the connection',
      '1.5 ms client → server #1: datagram 2 (3 B) duplicated',
      '1.5 ms client → server #1: datagram 3 overtook datagram 2',
      '1.5 ms client → server #1: read 2 (3 B) delayed 40.0 ms',
      '1.5 ms client → server #1: 1,000 B went through, the relay closes the connection',
      '1.5 ms #1: after 500 ms the relay resets the connection (RST to server, client)',
      '1.5 ms listening socket: EPERM x'
    ])
  })

  it('times keep one decimal each, grouped as the language writes them (2.763,7 beside 2.769,0)', () => {
    setCliLang('it')
    const t = relayWords()
    const at = (ms: number): string | undefined => recordLine(t, { type: 'drop', at: ms, dir: 'c2s', flow: 1, n: 2, bytes: 3 }, true)
    expect(at(2763.71)).toBe('2.763,7 ms client → server #1: datagramma 2 (3 B) perso')
    expect(at(2769)).toBe('2.769,0 ms client → server #1: datagramma 2 (3 B) perso')
    setCliLang('en')
    expect(recordLine(relayWords(), { type: 'delay', at: 12.04, dir: 's2c', flow: 1, n: 1, bytes: 3, delayMs: 100 }, true)).toBe('12.0 ms server → client #1: datagram 1 (3 B) delayed 100.0 ms')
  })

  it('the TCP note about lost segments comes with --delay, --jitter or --rate, never with no impairment', () => {
    setCliLang('en')
    const t = relayWords()
    const relay = { local: { address: '127.0.0.1', port: 13000 }, seed: 1 } as unknown as Relay
    const base: RelayOptions = { udp: false, listenAddress: '127.0.0.1', listenPort: 13000, toHost: '127.0.0.1', toPort: 12000, c2s: {}, s2c: {} }
    const note = (o: Partial<RelayOptions>): boolean => startLines(t, relay, { ...base, ...o }).some((l) => l.includes('cannot lose segments'))
    expect(note({})).toBe(false)
    expect(note({ c2s: { slice: 10 } })).toBe(false)
    expect(note({ c2s: { delay: 100 } })).toBe(true)
    expect(note({ s2c: { rate: 5 } })).toBe(true)
    expect(note({ udp: true, c2s: { delay: 100 } })).toBe(false)
  })
})

describe('the words for options and help', () => {
  it('a refused relay option is one sentence from the catalog, in the CLI language', async () => {
    setCliLang('it')
    const t = relayWords()
    const p = parseRelayArgv(['--listen', '13000', '--to', 'h:1', '--loss', '5'])
    expect(relayArgvProblem(t, p as Exclude<typeof p, RelayOptions>)).toBe('--loss vale per un relay UDP (--udp): un relay TCP non può perdere, duplicare o riordinare, i kernel lo annullerebbero')
  })

  it('udp-ping and udp-ping-server options: the defaults of the assignment, the course port rule verbatim', async () => {
    const { parsePingArgv, parsePingServerArgv } = await import('../../src/cli/ping-command')
    const { networkUsage } = await import('../../src/cli/network-commands')
    setCliLang('it')
    const t = relayWords()
    expect(parsePingArgv(t, [])).toEqual({ address: '127.0.0.1', port: 12000, family: 'IPv4', count: 10, timeoutMs: 1000 })
    expect(parsePingArgv(t, ['-6', '-c', '3', '--timeout', '0.5', '-p', '13000'])).toEqual({ address: '::1', port: 13000, family: 'IPv6', count: 3, timeoutMs: 500 })
    expect(parsePingArgv(t, ['-p', '80'])).toEqual({ error: '-p option must be an integer in 1024..65535' })
    expect(parsePingArgv(t, ['-c', '0'])).toEqual({ error: '-c deve essere un numero intero tra 1 e 100.000' })
    expect(parsePingArgv(t, ['--timeout', '0'])).toEqual({ error: '--timeout deve essere un numero di secondi maggiore di 0, al massimo 60' })
    expect(parsePingServerArgv(t, ['--loss', '20', '--seed', '9'])).toEqual({ address: '0.0.0.0', port: 12000, loss: 20, seed: 9, quiet: false })
    expect(parsePingServerArgv(t, ['-6'])).toMatchObject({ address: '::' })
    expect(parsePingServerArgv(t, ['-6'])).not.toHaveProperty('loss')
    expect(parsePingServerArgv(t, ['--loss', '101'])).toEqual({ error: '--loss deve essere un numero tra 0 e 100' })
    // Help in Italian, laid out as the course programs' (args.ts usage): Italian placeholders, `-->`, "predefinito".
    expect(networkUsage('udp-ping').split('\n')[0]).toBe('Uso: socklab udp-ping [-a IND] [-p N] [-6] [-c N] [--timeout S]')
    expect(networkUsage('udp-ping')).toContain('\n-c N             --> ping da inviare (predefinito 10)\n')
    expect(networkUsage('udp-ping-server')).toContain('randint(0, 10) < 4, circa il 36%')
    expect(networkUsage('relay').split('\n')[0]).toBe('Uso: socklab relay --listen [IND:]PORTA --to HOST:PORTA [--udp] [-6] [--c2s|--s2c|--both] [ALTERAZIONI] [--seed N] [-q]')
    expect(networkUsage('relay')).toContain('\n                 --> le alterazioni che seguono agiscono su client → server')
    // The --to error says what the usage line shows.
    const to = parseRelayArgv(['--listen', '13000', '--to', '12000'])
    expect(relayArgvProblem(t, to as Exclude<typeof to, RelayOptions>)).toBe('--to deve essere HOST:PORTA, o [IPv6]:PORTA')
    const listen = parseRelayArgv(['--listen', 'x', '--to', 'h:1'])
    expect(relayArgvProblem(t, listen as Exclude<typeof listen, RelayOptions>)).toBe('--listen deve essere PORTA, IND:PORTA o [IPv6]:PORTA, con la porta tra 1 e 65535')
    for (const program of ['relay', 'udp-ping', 'udp-ping-server'] as const) {
      const help = networkUsage(program)
      expect(help, program).not.toMatch(/\(default|COUNT|ADDR|PORT\b|PCT|BYTES|impairments/)
    }
  })
})
