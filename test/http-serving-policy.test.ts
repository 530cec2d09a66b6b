// The serving policy: what folders an HTTP server refuses to serve, and the dot-files it hides,
// for every host (the engine refuses; the window's schema cannot turn dot-files on).

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { folderRefusal, type ServingContext } from '../src/engine/http/serving-policy'
import { english } from '../src/engine/english'

/** Why a folder is refused, in English (the CLI's words under LANG=C), or undefined. */
function refusal(folder: string, ctx: ServingContext): string | undefined {
  const s = folderRefusal(folder, ctx)
  return s && english(s)
}
import { argSchemas } from '../src/shared/schemas'
import { get, rawHttp } from './helpers/http'
import { testLab, type TestLab } from './helpers/lab'
import { freePort, runSocklab, socklab } from './helpers/processes'
import { words } from './helpers/words'

let tmp: string
let t: TestLab

beforeAll(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'socklab-policy-')))
  t = testLab()
})
afterAll(async () => {
  await t.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const start = (root: string, dotfiles?: boolean): ReturnType<TestLab['start']> => t.start({ kind: 'http-server', address: '127.0.0.1', port: 0, root, dotfiles })

describe('serving policy: folders this machine will not serve', () => {
  it('the root of the file system', async () => {
    await expect(start('/')).rejects.toThrow('will not serve </>: it is the root of the file system; choose a folder of your own')
  })

  it.each(['/etc', '/etc/ssl', '/proc/self', '/sys/kernel', '/dev/shm', '/usr/share', '/boot', '/var', '/var/tmp', '/run', '/bin'])('system folder %s (and what is inside)', async (folder) => {
    if (!fs.existsSync(folder)) return
    const real = fs.realpathSync(folder)
    await expect(start(folder)).rejects.toThrow(new RegExp(`^will not serve <${real}>: it is (a system folder|inside the system folder /[a-z]+); choose a folder of your own$`))
  })

  it('your home folder, and the folder holding the home folders', async () => {
    await expect(start(os.homedir())).rejects.toThrow(`will not serve <${fs.realpathSync(os.homedir())}>: it is a home folder, with private files in it; serve a folder inside it instead`)
    await expect(start('/home')).rejects.toThrow('will not serve </home>: it holds home folders, with private files in them; choose a folder of your own')
  })

  it('a folder inside a hidden folder, unless dot-files were asked for', async () => {
    const site = path.join(tmp, '.hidden', 'site')
    fs.mkdirSync(site, { recursive: true })
    await expect(start(site)).rejects.toThrow(`will not serve <${site}>: .hidden is a hidden folder (its name starts with "."); hidden folders are served only with --dotfiles`)
    const server = await start(site, true)
    await t.lab.stop(server.id)
  })

  it('a refused start leaves nothing running and says it in one line', async () => {
    const before = t.lab.list().length
    await expect(start('/etc')).rejects.toThrow(/^will not serve <\/etc>: [^\n]+$/)
    expect(t.lab.list().length).toBe(before)
  })

  it('the CLI says why in one line, with no stack trace', async () => {
    const r = await runSocklab(['http-server', '-a', '127.0.0.1', '-p', String(await freePort()), '-d', '/etc'])
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim()).toBe('ERROR: will not serve </etc>: it is a system folder; choose a folder of your own')
    expect(r.stdout).toBe('')
  })
})

describe('serving policy: the rules on other machines and for other users', () => {
  const linux = (over: Partial<ServingContext> = {}): ServingContext => ({ platform: 'linux', home: '/home/alice', homes: ['/home/alice', '/srv/bob'], shipped: [], dotfiles: false, ...over })
  const windows = (over: Partial<ServingContext> = {}): ServingContext => ({ platform: 'win32', home: 'C:\\Users\\alice', homes: ['C:\\Users\\alice'], shipped: [], dotfiles: false, ...over })

  it('any user: their home folder and the folders holding one', () => {
    expect(refusal('/home/carol', linux())).toMatch(/it is a home folder/)
    expect(refusal('/srv/bob', linux())).toMatch(/it is a home folder/)
    expect(refusal('/srv', linux())).toMatch(/it holds home folders/)
    expect(refusal('/home', linux())).toMatch(/it holds home folders/)
    expect(refusal('/home/alice/labs/site', linux())).toBeUndefined()
    expect(refusal('/srv/www', linux())).toBeUndefined()
  })

  it('folders every user shares (/tmp, /mnt, /media, /Volumes) as a whole, but a folder inside them is yours', () => {
    for (const shared of ['/tmp', '/mnt', '/media', '/Volumes']) expect(refusal(shared, linux())).toMatch(/shared by every user/)
    expect(refusal('/tmp/my-lab-site', linux())).toBeUndefined()
    expect(refusal('/media/alice/usb-stick/site', linux())).toBeUndefined()
  })

  it('a home in /var (Fedora Silverblue) still serves folders inside it; the rest of /var does not', () => {
    const ctx = linux({ home: '/var/home/alice', homes: ['/var/home/alice'] })
    expect(refusal('/var/home/alice/site', ctx)).toBeUndefined()
    expect(refusal('/var/home/alice', ctx)).toMatch(/it is a home folder/)
    expect(refusal('/var/log', ctx)).toMatch(/inside the system folder \/var/)
  })

  it('dot-folders anywhere in the path, unless dot-files were asked for', () => {
    expect(refusal('/home/alice/.ssh', linux())).toMatch(/\.ssh is a hidden folder/)
    expect(refusal('/home/alice/.config/site', linux())).toMatch(/\.config is a hidden folder/)
    expect(refusal('/home/alice/.config/site', linux({ dotfiles: true }))).toBeUndefined()
  })

  it("socklab's own sample site, wherever it is installed (under /usr, under ~/.npm)", () => {
    const global = '/usr/lib/node_modules/socklab/resources/sample-site'
    const npx = '/home/alice/.npm/_npx/1234/node_modules/socklab/resources/sample-site'
    expect(refusal(global, linux())).toMatch(/inside the system folder \/usr/)
    expect(refusal(global, linux({ shipped: [global] }))).toBeUndefined()
    expect(refusal(`${npx}/img`, linux({ shipped: [npx] }))).toBeUndefined()
  })

  it('Windows: drive roots, the system, program folders and the users folder, in any case', () => {
    expect(refusal('C:\\', windows())).toMatch(/root of the file system/)
    expect(refusal('D:\\', windows())).toMatch(/root of the file system/)
    expect(refusal('C:\\Windows\\System32', windows())).toMatch(/inside the system folder/)
    expect(refusal('c:\\program files\\App', windows())).toMatch(/inside the system folder/)
    expect(refusal('C:\\Users', windows())).toMatch(/it holds home folders/)
    expect(refusal('C:\\Users\\bob', windows())).toMatch(/it is a home folder/)
    expect(refusal('c:\\users\\ALICE', windows())).toMatch(/it is a home folder/)
    expect(refusal('C:\\Users\\alice\\labs', windows())).toBeUndefined()
  })
})

describe('serving policy: dot-files inside the served folder', () => {
  let site: string
  let port: number
  let dotPort: number
  beforeAll(async () => {
    site = path.join(tmp, 'site')
    fs.mkdirSync(path.join(site, '.git'), { recursive: true })
    fs.mkdirSync(path.join(site, 'pub'))
    fs.writeFileSync(path.join(site, '.git', 'config'), 'GIT-CONFIG')
    fs.writeFileSync(path.join(site, '.env'), 'API_KEY=dot-secret')
    fs.writeFileSync(path.join(site, 'pub', 'page.txt'), 'page')
    // A link with an ordinary name that leads to a dot-file: the real path decides.
    fs.symlinkSync('../.env', path.join(site, 'pub', 'settings.txt'))
    port = (await start(site)).local!.port
    dotPort = (await start(site, true)).local!.port
  })

  it.each(['/.env', '/.git/config', '/.git/', '/pub/../.env', '/%2eenv', '/pub/settings.txt'])('%s is not served', async (target) => {
    const reply = (await rawHttp(port, `GET ${target} HTTP/1.1\r\nHost: lab\r\nConnection: close\r\n\r\n`)).toString('latin1')
    expect(reply).toMatch(/^HTTP\/1.1 404 /)
    expect(reply).not.toMatch(/dot-secret|GIT-CONFIG/)
  })

  it('the listing hides them; the server log says why', async () => {
    const listing = (await get(port, '/')).body.toString()
    expect(listing).toContain('<a href="pub/">pub/</a>')
    expect(listing).not.toMatch(/\.env|\.git/)
    await t.waitForEvent((e) => e.kind === 'console' && words(e).endsWith('code 404, message /.env: names starting with "." are not served (the server was not started with --dotfiles)'))
  })

  it('served and listed when dot-files were asked for', async () => {
    expect((await get(dotPort, '/.env')).body.toString()).toBe('API_KEY=dot-secret')
    expect((await get(dotPort, '/pub/settings.txt')).body.toString()).toBe('API_KEY=dot-secret')
    expect((await get(dotPort, '/')).body.toString()).toContain('<a href=".git/">.git/</a>')
  })

  it('the CLI asks for them with --dotfiles', async () => {
    const cliPort = await freePort()
    const server = socklab(['http-server', '-a', '127.0.0.1', '-p', String(cliPort), '-d', site, '--dotfiles'])
    try {
      await server.waitFor(/^Serving at port/m)
      expect((await get(cliPort, '/.git/config')).body.toString()).toBe('GIT-CONFIG')
    } finally {
      await server.stop()
    }
  })

  it('the window cannot ask for them: its schema takes no dotfiles (nor looser limits)', () => {
    const config = { kind: 'http-server', address: '127.0.0.1', port: 8080, root: site }
    expect(argSchemas.start.safeParse([config]).success).toBe(true)
    expect(argSchemas.start.safeParse([{ ...config, dotfiles: true }]).success).toBe(false)
    expect(argSchemas.start.safeParse([{ ...config, limits: { maxConnections: 100000 } }]).success).toBe(false)
  })
})
