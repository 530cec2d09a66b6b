// `socklab relay`, `socklab udp-ping` and `socklab udp-ping-server` as a student runs them: the
// built command in real processes, on loopback, each run bounded. The Pinger's timeouts are the
// pings its server says it dropped; the course's UDP client gets a reply exactly when the relay
// did not drop its datagram; a TCP exchange sliced into 5-byte writes arrives whole; a signal ends
// each one with what it did, exit 0; -h and bad options speak as the other programs do.

import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { freePort, langEnv, run, runSocklab, socklab, SOCKLAB, start, type Running } from './helpers/processes'

const running: Running[] = []
const keep = (p: Running): Running => (running.push(p), p)
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

const IT = { env: langEnv('it') }
const EN = { env: langEnv('en') }

/** Sends `signal` and waits for the exit (SIGKILL after `ms`, so that a hang fails instead of blocking). */
async function stopWith(p: Running, signal: NodeJS.Signals, ms = 10_000): Promise<number | null> {
  p.child.kill(signal)
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms)
  const code = await p.exited
  clearTimeout(timer)
  return code
}

/** The number after `word` in the summary line of `dir` (`client → server: forwarded 3 (…), dropped 2, …`). */
function counted(out: string, dir: 'client → server' | 'server → client', word: string): number {
  // The summary's line, after the start line that lists the impairments the same way.
  const line = out.split('\n').findLast((l) => l.startsWith(`${dir}:`))
  expect(line, `${dir} line in:\n${out}`).toBeDefined()
  const m = new RegExp(`${word} (\\d+)`).exec(line!)
  expect(m, `${word} in <${line}>`).not.toBeNull()
  return Number(m![1])
}

describe('socklab udp-ping against socklab udp-ping-server --loss 30 --seed N', () => {
  it('prints one line per ping, Request timed out exactly for the pings the server dropped, then min/avg/max and the loss', async () => {
    const COUNT = 12
    const port = await freePort()
    const server = keep(socklab(['udp-ping-server', '-a', '127.0.0.1', '-p', String(port), '--loss', '30', '--seed', '7']))
    await server.waitFor(/^Ping server waiting on \(127\.0\.0\.1, \d+\): drops 30% of the pings, seed 7$/m)
    const ping = await runSocklab(['udp-ping', '-p', String(port), '-c', String(COUNT), '--timeout', '1'], undefined, 30_000)
    expect(ping.stderr).toBe('')
    const lines = ping.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(COUNT + 3)

    const code = await stopWith(server, 'SIGINT')
    expect(code).toBe(0)
    const dropped = [...server.stdout().matchAll(/^ping (\d+) from \(127\.0\.0\.1, \d+\): dropped on purpose$/gm)].map((m) => Number(m[1]))
    const answered = [...server.stdout().matchAll(/^ping (\d+) from \(127\.0\.0\.1, \d+\): answered$/gm)].map((m) => Number(m[1]))
    expect(dropped.length + answered.length).toBe(COUNT)
    // A fixed seed at 30%: some dropped, most answered (the same seed drops the same pings every run).
    expect(dropped.length).toBeGreaterThan(0)
    expect(answered.length).toBeGreaterThan(COUNT / 2)

    const rtts: number[] = []
    for (let seq = 1; seq <= COUNT; seq++) {
      const line = lines[seq - 1]
      if (dropped.includes(seq)) expect(line, `ping ${seq}`).toBe('Request timed out')
      else {
        const m = new RegExp(`^PING ${seq} \\d+\\.\\d{6} RTT: (\\d+\\.\\d{6}) s$`).exec(line)
        expect(m, `ping ${seq}: <${line}>`).not.toBeNull()
        rtts.push(Number(m![1]) * 1000)
      }
    }
    const lost = dropped.length
    const pct = Math.round((lost / COUNT) * 1000) / 10
    expect(lines[COUNT]).toBe(`--- ping statistics for (127.0.0.1, ${port}) ---`)
    expect(lines[COUNT + 1]).toBe(`pings: sent ${COUNT}, received ${COUNT - lost}, lost ${lost} (${pct}% loss)`)
    const rtt = /^RTT min\/avg\/max = ([\d.]+)\/([\d.]+)\/([\d.]+) ms$/.exec(lines[COUNT + 2])
    expect(rtt, lines[COUNT + 2]).not.toBeNull()
    const [min, avg, max] = rtt!.slice(1).map(Number)
    // The lines round to the microsecond, the summary to the microsecond of a millisecond.
    expect(min).toBeCloseTo(Math.min(...rtts), 2)
    expect(max).toBeCloseTo(Math.max(...rtts), 2)
    expect(avg).toBeGreaterThanOrEqual(min)
    expect(avg).toBeLessThanOrEqual(max)
    expect(ping.code).toBe(0)
    // The server's own count, on Ctrl-C.
    expect(server.stdout()).toContain(`pings: received ${COUNT}, answered ${COUNT - lost}, dropped ${lost}\n`)
  }, 60_000)
})

describe('socklab relay --udp --loss between the course\'s UDP client and socklab udp-server', () => {
  it('each client gets its reply unless the relay dropped its datagram; Ctrl-C prints the summary each way and exits 0', async () => {
    const CLIENTS = 8
    const [serverPort, relayPort] = [await freePort(), await freePort()]
    const server = keep(socklab(['udp-server', '-a', '127.0.0.1', '-p', String(serverPort)]))
    await server.waitFor(/^Server waiting on/m)
    const relay = keep(socklab(['relay', '--udp', '--listen', `127.0.0.1:${relayPort}`, '--to', `127.0.0.1:${serverPort}`, '--c2s', '--loss', '50', '--seed', '3']))
    await relay.waitFor(/^server → client: no impairment$/m)
    expect(relay.stdout()).toContain('\nclient → server: loss 50%\n')
    expect(relay.stdout()).toMatch(new RegExp(`^Relay \\(UDP\\) on \\(127\\.0\\.0\\.1, ${relayPort}\\), forwarding to the server \\(127\\.0\\.0\\.1, ${serverPort}\\), seed 3$`, 'm'))

    // The course's client waits 10 s for a reply: one the relay dropped is ended after 6 s
    // (long enough for a Python start on a loaded machine, which would otherwise look like a drop).
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => run('python3', ['-u', path.join(__dirname, 'fixtures', 'course', 'udp_client.py'), '-a', '127.0.0.1', '-p', String(relayPort)], `hello ${i}\n`, 6000))
    )
    const answered = clients.filter((c, i) => c.stdout.includes(`\nHELLO ${i}\n`))
    const unanswered = clients.filter((c) => !/\nHELLO \d\n/.test(c.stdout))
    expect(answered.length + unanswered.length).toBe(CLIENTS)
    for (const c of answered) expect(c.code).toBe(0)

    const code = await stopWith(relay, 'SIGINT')
    // 0: stopping is what Ctrl-C asks, and the relay did it and said what it did (as the course's servers here).
    expect(code).toBe(0)
    const out = relay.stdout()
    expect(relay.stderr()).toBe('')
    expect(out).toContain('\nWhat the relay did:\n')
    expect(counted(out, 'client → server', 'dropped')).toBe(unanswered.length)
    expect(counted(out, 'client → server', 'forwarded')).toBe(answered.length)
    expect(counted(out, 'server → client', 'forwarded')).toBe(answered.length)
    expect(counted(out, 'server → client', 'dropped')).toBe(0)
    // Each drop also has its own line as it happens, and each client is a client of the relay.
    expect(out.match(/ms client → server #\d+: datagram 1 \(\d+ B\) dropped$/gm) ?? []).toHaveLength(unanswered.length)
    expect(out).toMatch(new RegExp(`^clients \\(one per source address and port\\): ${CLIENTS} in all; `, 'm'))
    // Seed 3 at 50% over 8 datagrams drops some and passes some.
    expect(unanswered.length).toBeGreaterThan(0)
    expect(answered.length).toBeGreaterThan(0)
  }, 60_000)
})

describe('socklab relay --slice 5 on a TCP exchange', () => {
  let tmp: string
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-relay-'))
  })
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('cuts the stream into 5-byte writes, and the HTTP reply still arrives whole and in order', async () => {
    const body = Array.from({ length: 12 }, (_, i) => `line ${i} of the page\n`).join('')
    fs.writeFileSync(path.join(tmp, 'page.txt'), body)
    const [serverPort, relayPort] = [await freePort(), await freePort()]
    const server = keep(socklab(['http-server', '-a', '127.0.0.1', '-p', String(serverPort), '-d', tmp]))
    await server.waitFor(/^Serving at port/m)
    const relay = keep(socklab(['relay', '--listen', `127.0.0.1:${relayPort}`, '--to', `127.0.0.1:${serverPort}`, '--slice', '5', '--slice-delay', '1']))
    await relay.waitFor(/^server → client: writes of 5 B/m)
    // Slicing loses nothing: no note about lost segments, which only a delay or a rate brings.
    expect(relay.stdout()).not.toContain('cannot lose segments')
    const client = await runSocklab(['http-client', `http://127.0.0.1:${relayPort}/page.txt`], undefined, 30_000)
    expect(client.stderr).toBe('')
    expect(client.code).toBe(0)
    expect(client.stdout).toMatch(/^HTTP\/1\.1 200 OK\r?$/m)
    expect(client.stdout).toContain(`Content-Length: ${body.length}`)
    expect(client.stdout).toContain(body)
    const reads = Number(/Reply read in (\d+) recv\(1500\) calls until the server closed/.exec(client.stdout)?.[1])
    // The relay's 5-byte writes a millisecond apart reach the client as many reads, not one.
    expect(reads).toBeGreaterThan(2)

    expect(await stopWith(relay, 'SIGTERM')).toBe(0)
    const out = relay.stdout()
    expect(out).toMatch(/ms server → client #1: read 1 \(\d+ B\) sent as \d+ writes$/m)
    expect(counted(out, 'server → client', 'slices')).toBeGreaterThan(0)
    // Every byte the server wrote went through, as 5-byte writes: at least body/5 of them.
    expect(counted(out, 'server → client', 'writes')).toBeGreaterThanOrEqual(Math.ceil(body.length / 5))
    expect(out).toContain('\nconnections: 1\n')
  }, 60_000)
})

describe('signals and readers that go', () => {
  it('SIGHUP (the terminal closed) ends udp-ping-server with its count, exit 0', async () => {
    const port = await freePort()
    const server = keep(socklab(['udp-ping-server', '-a', '127.0.0.1', '-p', String(port), '-q']))
    await server.waitFor(/^Ping server waiting on .*randint\(0, 10\) < 4/m)
    expect(await stopWith(server, 'SIGHUP')).toBe(0)
    expect(server.stdout()).toMatch(/\npings: received 0, answered 0, dropped 0\n$/)
    expect(server.stderr()).toBe('')
  }, 30_000)

  it('Ctrl-C stops udp-ping early with the statistics of the pings sent so far', async () => {
    const port = await freePort()
    const server = keep(socklab(['udp-ping-server', '-a', '127.0.0.1', '-p', String(port), '--loss', '0', '-q']))
    await server.waitFor(/^Ping server waiting on/m)
    const ping = keep(socklab(['udp-ping', '-p', String(port), '-c', '100000', '--timeout', '1']))
    await ping.waitFor(/^PING 3 /m, 15_000)
    expect(await stopWith(ping, 'SIGINT')).toBe(0)
    expect(ping.stdout()).toMatch(/\n--- ping statistics for \(127\.0\.0\.1, \d+\) ---\npings: sent \d+, received \d+, lost 0 \(0% loss\)\nRTT min\/avg\/max = [\d.]+\/[\d.]+\/[\d.]+ ms\n$/)
  }, 30_000)

  it('relay | head -2 ends quietly at its next line once head has gone: no EPIPE, status 0', async () => {
    const [serverPort, relayPort] = [await freePort(), await freePort()]
    const cmd = `"${process.execPath}" "${SOCKLAB}"`
    const shell = keep(
      start('sh', ['-c', `(${cmd} relay --udp --listen 127.0.0.1:${relayPort} --to 127.0.0.1:${serverPort} --delay 1; echo "socklab status $?" >&2) | head -2`], undefined, EN)
    )
    await shell.waitFor(/client → server: delay 1 ms\n/, 15_000)
    // head has its two lines and has gone; the next record line (a datagram's delay) meets the closed pipe.
    const timer = setInterval(() => {
      const s = dgram.createSocket('udp4')
      s.send('x', relayPort, '127.0.0.1', () => s.close())
    }, 100)
    const code = await Promise.race([shell.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))])
    clearInterval(timer)
    expect(code).toBe(0)
    expect(shell.stdout().split('\n')).toHaveLength(3)
    expect(shell.stderr()).toBe('socklab status 0\n')
  }, 30_000)
})

describe('-h and bad options, as for the other programs', () => {
  it('a port already in use is one ERROR line and exit 1 (a network failure, not bad usage), for the relay and the ping server', async () => {
    const port = await freePort()
    const first = keep(socklab(['udp-ping-server', '-a', '127.0.0.1', '-p', String(port), '-q']))
    await first.waitFor(/^Ping server waiting on/m)
    const second = await runSocklab(['udp-ping-server', '-a', '127.0.0.1', '-p', String(port)], undefined, 30_000)
    expect(second.code).toBe(1)
    expect(second.stderr).toBe(`ERROR: port ${port} is already in use on 127.0.0.1\n`)
    const relay = await runSocklab(['relay', '--udp', '--listen', `127.0.0.1:${port}`, '--to', '127.0.0.1:12000'], undefined, 30_000, IT)
    expect(relay.code).toBe(1)
    expect(relay.stdout).toBe('')
    expect(relay.stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(relay.stderr).toMatch(new RegExp(`^ERROR: .*${port}.*127\\.0\\.0\\.1\\n$`))
    expect(relay.stderr).not.toContain('already in use')
  }, 60_000)

  it('each -h is Italian under LANG=it_IT.UTF-8, line by line beside its English, with --lang and -h', async () => {
    for (const program of ['relay', 'udp-ping', 'udp-ping-server']) {
      const [it, en] = await Promise.all([runSocklab([program, '-h'], undefined, 60_000, IT), runSocklab([program, '--help'], undefined, 60_000, EN)])
      expect(it.code, program).toBe(0)
      expect(it.stderr).toBe('')
      const itLines = it.stdout.trimEnd().split('\n')
      const enLines = en.stdout.trimEnd().split('\n')
      expect(itLines[0]).toMatch(new RegExp(`^Uso: socklab ${program} `))
      expect(enLines[0]).toMatch(new RegExp(`^Usage: socklab ${program} `))
      // The options are never translated, only the placeholders (ADDR → IND, PORT → PORTA), as in the course programs' usage.
      const options = (line: string): string[] => line.match(/(?<=^|[\s[|])--?[\w-]+/g) ?? []
      expect(options(itLines[0])).toEqual(options(enLines[0]))
      // Every option of the synopsis has its line of help.
      for (const option of options(enLines[0]).filter((o) => !/^--(c2s|s2c|both)$/.test(o))) expect(enLines.some((line) => line.trimStart().startsWith(option + ' ') || line.trimStart().startsWith(option + '|')), `${program} ${option}`).toBe(true)
      expect(it.stdout).not.toMatch(/\(default|\(il default\)|ADDR|COUNT|\[impairments\]/)
      expect(itLines.filter((line) => line.includes('-->')).length).toBeGreaterThan(4)
      expect(itLines).toHaveLength(enLines.length)
      // Every line with words is translated; one that holds only an option (`--slice-delay MS`, too wide for its column) has the same options.
      const onlyOptions = (line: string): boolean => !/[a-z]{3,}/.test(line.replace(/--?[\w-]+/g, ''))
      itLines.slice(1).forEach((line, i) => {
        if (onlyOptions(enLines[i + 1])) expect(options(line)).toEqual(options(enLines[i + 1]))
        else expect(line, `${program} -h, line ${i + 2}`).not.toBe(enLines[i + 1])
      })
      expect(itLines).toContain('--lang it|en     --> la lingua delle parole di socklab (predefinito: LC_ALL, LC_MESSAGES o LANG)')
      expect(itLines.at(-1)).toBe('-h               --> aiuto')
    }
    // --lang wins over the environment, and socklab -h lists the three.
    const forced = await runSocklab(['udp-ping', '--lang', 'en', '-h'], undefined, 60_000, IT)
    expect(forced.stdout).toMatch(/^Usage: socklab udp-ping /)
    const top = await runSocklab(['-h'], undefined, 60_000, IT)
    expect(top.stdout).toContain('\n  relay   udp-ping   udp-ping-server\n')
  }, 120_000)

  it('a bad option is one ERROR line and exit 2, in the language of the environment; the course\'s port rule as it is', async () => {
    const cases: { args: string[]; env: { env: NodeJS.ProcessEnv }; line: string }[] = [
      { args: ['relay', '--bogus'], env: EN, line: "ERROR: unknown option '--bogus'" },
      { args: ['relay', '--bogus'], env: IT, line: "ERROR: opzione sconosciuta '--bogus'" },
      { args: ['relay', '--listen', '13000', '--to', '12000'], env: EN, line: 'ERROR: --to must be HOST:PORT, or [IPv6]:PORT' },
      { args: ['relay', '--listen', '13000', '--to', '127.0.0.1:12000', '--loss', '5'], env: EN, line: 'ERROR: --loss is for a UDP relay (--udp): a TCP relay cannot lose, duplicate or reorder, the kernels would undo it' },
      { args: ['relay', '--udp', '--listen', '13000', '--to', '127.0.0.1:12000', '--loss', '120'], env: IT, line: 'ERROR: --loss deve essere un numero tra 0 e 100' },
      { args: ['udp-ping', '-c', '0'], env: EN, line: 'ERROR: -c must be a whole number in 1..100,000' },
      { args: ['udp-ping', '-p', '80'], env: IT, line: 'ERROR: -p option must be an integer in 1024..65535' },
      { args: ['udp-ping', 'extra'], env: EN, line: 'ERROR: unexpected argument <extra>: socklab udp-ping takes options only (socklab udp-ping -h lists them)' },
      { args: ['udp-ping-server', '--loss'], env: EN, line: "ERROR: option '--loss' needs a value" },
      { args: ['udp-ping-server', '-a', 'not an address'], env: EN, line: 'ERROR: invalid address <not an address>: expected an IPv4 address (127.0.0.1), an IPv6 address (::1) or a host name' }
    ]
    for (const c of cases) {
      const r = await runSocklab(c.args, undefined, 30_000, c.env)
      expect(r.code, c.args.join(' ')).toBe(2)
      expect(r.stdout, c.args.join(' ')).toBe('')
      expect(r.stderr, c.args.join(' ')).toBe(`${c.line}\n`)
    }
  }, 120_000)
})
