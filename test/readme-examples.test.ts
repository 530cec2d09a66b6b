// The README's console examples work as written: the HTTP server it starts answers the clients it
// then shows (the course's port 8080 is swapped for a free one, ./site for the sample site).

import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { freePort, ROOT, runSocklab, socklab, type Running } from './helpers/processes'

const SAMPLE_SITE = path.join(ROOT, 'resources', 'sample-site', 'en')

/** The `npx socklab …` command lines of the README's console examples, with their arguments. */
function readmeCommands(): string[][] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
  const block = /```console\n([^]*?)```/.exec(readme)![1]
  return [...block.matchAll(/^\$ npx socklab (.*?)(?:\s+#.*)?$/gm)].map((m) => m[1].trim().split(/\s+/))
}

/** An HTTP command of the README on a free port: `-p PORT` added, :8080 in URLs replaced. */
function onPort(args: string[], port: number): string[] {
  const out = args.map((a) => (a === './site' ? SAMPLE_SITE : a.replace(':8080', `:${port}`)))
  return out[0] === 'http-server' ? [...out, '-p', String(port)] : out
}

describe('README console examples', () => {
  let server: Running | undefined
  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('the http-server it starts answers its http-client and its curl', async () => {
    const commands = readmeCommands()
    const serverArgs = commands.find((c) => c[0] === 'http-server')!
    const clientArgs = commands.find((c) => c[0] === 'http-client')!
    const port = await freePort()
    server = socklab(onPort(serverArgs, port))
    await server.waitFor(/Serving at port/)
    const client = await runSocklab(onPort(clientArgs, port))
    expect(client.stderr).not.toContain('ERROR')
    expect(client.stdout).toContain('200 OK')
    // The comment beside the server's line: curl -i http://127.0.0.1:8080/
    const status = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/`], { encoding: 'utf8' })
    expect(status).toBe('200')
  }, 30_000)
})
