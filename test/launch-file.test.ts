// The page that hands `socklab web`'s address to the browser: the user's alone (another user,
// `nobody` here, can neither list its folder nor read it), it leads to the address, and it goes.

import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { writeLaunchFile } from '../src/cli/launch-file'

const URL_WITH_TOKEN = 'http://127.0.0.1:41234/?token=abcdefghijklmnopqrstuvwxyz012345'

describe('the launch page of socklab web', () => {
  it('is private to the user, leads to the address, and is removed with its folder', () => {
    const launch = writeLaunchFile(URL_WITH_TOKEN)
    try {
      const file = fileURLToPath(launch.href)
      const dir = fileURLToPath(new URL('.', launch.href))
      expect(launch.href).not.toContain('token')
      expect(fs.readFileSync(file, 'utf8')).toContain(`<meta http-equiv="refresh" content="0;url=${URL_WITH_TOKEN}">`)
      if (process.platform !== 'win32') {
        expect(fs.statSync(dir).mode & 0o777).toBe(0o700)
        expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      }
      // Root ignores file modes: ask a user they apply to.
      if (process.getuid?.() === 0 && spawnSync('runuser', ['--version']).status === 0) {
        for (const args of [['cat', file], ['ls', dir]]) {
          const r = spawnSync('runuser', ['-u', 'nobody', '--', ...args], { cwd: '/', encoding: 'utf8' })
          expect(r.status, `${args.join(' ')} as nobody`).not.toBe(0)
          expect(r.stdout).not.toContain('token')
        }
      }
      const other = writeLaunchFile(URL_WITH_TOKEN)
      expect(other.href).not.toBe(launch.href)
      other.remove()
      launch.remove()
      expect(fs.existsSync(dir)).toBe(false)
      launch.remove()
    } finally {
      launch.remove()
    }
  })

  it('keeps the address an attribute value, whatever it holds', () => {
    const launch = writeLaunchFile('http://127.0.0.1:1/?token=a"><script>x</script>&b')
    try {
      const html = fs.readFileSync(fileURLToPath(launch.href), 'utf8')
      expect(html).not.toContain('<script>')
      expect(html).toContain('content="0;url=http://127.0.0.1:1/?token=a&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;b"')
    } finally {
      launch.remove()
    }
  })
})
