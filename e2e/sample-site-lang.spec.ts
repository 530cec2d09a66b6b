// The HTTP lab serves the sample site of the window's language: a student fetching `/` reads the
// Italian page in an Italian window and the English page in an English one, from the same paths.

import type { Page } from '@playwright/test'
import { clientConsole, consoleText, expect, freePort, serverConsole, startServer, test } from './fixtures'

async function openIn(page: Page, url: string, lang: 'it' | 'en'): Promise<void> {
  const u = new URL(url)
  u.searchParams.set('lang', lang)
  await page.goto(u.toString())
  await page.getByTestId('lab-http').click()
}

async function fetchPath(page: Page, port: number, p: string): Promise<string> {
  const before = (await consoleText(clientConsole(page))).length
  await page.getByTestId('client-input').fill(`http://127.0.0.1:${port}${p}`)
  await page.getByTestId('client-send').click()
  await expect.poll(async () => (await consoleText(clientConsole(page))).slice(before)).toMatch(/HTTP\/1\.1 \d{3} /)
  // The whole reply: the client reads until the server closes.
  await expect.poll(async () => (await consoleText(clientConsole(page))).slice(before)).toMatch(/(<\/html>|ciao mondo|hello world)/)
  return (await consoleText(clientConsole(page))).slice(before)
}

for (const [lang, home, hello, other, why] of [
  ['it', /<html lang="it">[\s\S]*Ciao dal server HTTP di socklab/, 'ciao mondo', 'Hello from the socklab HTTP server', 'file inesistente'],
  ['en', /<html lang="en">[\s\S]*Hello from the socklab HTTP server/, 'hello world', 'Ciao dal server HTTP di socklab', 'no such file']
] as const) {
  test(`HTTP lab in ${lang}: / is the sample site's ${lang} page, the same paths answer`, async ({ page, host }) => {
    await openIn(page, host.url, lang)
    await expect(page.getByTestId('server-root')).toHaveValue(new RegExp(`sample-site[/\\\\]${lang}$`))
    const port = await freePort()
    await startServer(page, port)
    const index = await fetchPath(page, port, '/')
    expect(index).toContain('HTTP/1.1 200 OK')
    expect(index).toContain('Content-Type: text/html; charset=utf-8')
    expect(index).toMatch(home)
    expect(index).not.toContain(other)
    // The Italian page is ASCII on the wire (&egrave;: the course's client decodes as ASCII);
    // socklab's summary under it is the window's language.
    if (lang === 'it') {
      expect(index).toContain('Questa pagina ti &egrave; stata inviata')
      expect(index).not.toContain('Ã')
      expect(index).not.toContain('UnicodeDecodeError')
      await expect.poll(() => consoleText(clientConsole(page))).toMatch(/Risposta letta con \d+ chiamat[ae] a recv\(1500\) fino alla chiusura da parte del server, [\d.]+ byte/)
      expect(await consoleText(clientConsole(page))).not.toContain('Reply read in')
      await page.screenshot({ path: test.info().outputPath('http-client-it.png') })
    } else await expect.poll(() => consoleText(clientConsole(page))).toMatch(/Reply read in \d+ recv\(1500\) calls until the server closed, [\d,]+ bytes/)
    const text = await fetchPath(page, port, '/data/hello.txt')
    expect(text).toContain('HTTP/1.1 200 OK')
    expect(text).toContain(hello)
    await page.getByTestId('client-input').fill(`http://127.0.0.1:${port}/missing.html`)
    await page.getByTestId('client-send').click()
    await expect.poll(() => consoleText(clientConsole(page))).toContain('HTTP/1.1 404 Not Found')
    // The page sent is the server's English, whatever the window's language; the server's note is the window's.
    expect(await consoleText(clientConsole(page))).toContain('Nothing matches the given URI.')
    await expect.poll(() => consoleText(serverConsole(page))).toContain(`code 404, message /missing.html: ${why}`)
    await expect.poll(() => consoleText(serverConsole(page))).toMatch(/"GET \/missing\.html HTTP\/1\.0" 404 \d+/)
  })
}

test('switching the language moves a stopped server to that language sample site; a folder the student chose stays', async ({ page, host }) => {
  await openIn(page, host.url, 'it')
  await expect(page.getByTestId('server-root')).toHaveValue(/sample-site[/\\]it$/)
  await page.getByTestId('lang-en').click()
  await expect(page.getByTestId('server-root')).toHaveValue(/sample-site[/\\]en$/)
  const port = await freePort()
  await startServer(page, port)
  expect(await fetchPath(page, port, '/')).toMatch(/<html lang="en">/)
  // A running server keeps what it serves; a folder the student typed is theirs, in any language.
  await page.getByTestId('lang-it').click()
  await expect(page.getByTestId('server-root')).toHaveValue(/sample-site[/\\]en$/)
  await page.getByTestId('server-stop').click()
  await expect(page.getByTestId('server-root')).toHaveValue(/sample-site[/\\]it$/)
  await page.getByTestId('server-root').fill('/tmp')
  await page.getByTestId('lang-en').click()
  await expect(page.getByTestId('server-root')).toHaveValue('/tmp')
})
