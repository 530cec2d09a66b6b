// A first visit to a running lab (a fresh browser: the projector's, a student who closed it and
// opened the address again) shows each console at its end, also when its lines are wider than the
// console and wrap: the summary line and the prompt, not a screenful from the top or the middle.
// A console whose history was replayed before it was first on screen (at xterm's default 24 rows)
// stopped a few lines short of its end once fitted smaller: xterm's viewport kept its old height.
// A first visit does that only when the replay outruns the window's first render (a loaded PC), so
// the first test makes several visits; the second makes it happen every time, with a lab switch.

import { chromium } from '@playwright/test'
import type { Page } from '@playwright/test'
import { clientConsole, consoleScreen, consoleSize, consoleText, consoleTextOf, expect, freePort, serverConsole, shot, startServer, test } from './fixtures'

const VISITS = 5

/** The HTTP lab serves its sample site and fetches index.html: lines longer than half the window, which wrap. */
async function fetchSamplePage(lab: Page): Promise<void> {
  await lab.getByTestId('lab-http').click()
  const port = await freePort()
  await startServer(lab, port)
  await lab.getByTestId('client-input').fill(`http://127.0.0.1:${port}/`)
  await lab.getByTestId('client-send').click()
  await expect.poll(() => consoleScreen(clientConsole(lab))).toContain('Reply read in')
}

test('first visits to a running HTTP lab open the client console at its end, wrapped lines and all', async ({ lab, host, launchOptions }) => {
  test.setTimeout(150_000)
  await fetchSamplePage(lab)
  await lab.close()

  const ends: string[] = []
  for (let visit = 1; visit <= VISITS; visit++) {
    // A new browser each time: nothing cached, nothing remembered, the window starts on the TCP lab and moves to HTTP.
    const browser = await chromium.launch(launchOptions)
    try {
      const page = await browser.newPage({ viewport: { width: 1600, height: 900 } })
      await page.goto(host.url)
      await expect(page.getByTestId('lab-http')).toHaveAttribute('aria-selected', 'true')
      await expect.poll(() => consoleTextOf(page, 'http:client:1')).toContain('Reply read in')
      await page.waitForTimeout(1000)
      const screen = await consoleScreen(clientConsole(page))
      ends.push(`visit ${visit}: ${screen.includes('Reply read in') ? 'at its end' : `from "${screen.split('\n')[0]}"`}`)
      if (visit === 1) await shot(page, 'console-first-visit')
    } finally {
      await browser.close()
    }
  }
  expect(ends).toEqual(Array.from({ length: VISITS }, (_, i) => `visit ${i + 1}: at its end`))
})

test('a console filled before it was first shown opens at its end: a new window on the TCP lab, then HTTP', async ({ lab, context }) => {
  // Then a TCP server starts, so a new window opens on TCP and replays the HTTP client's console
  // while it is off screen, at xterm's size before any fit.
  await fetchSamplePage(lab)
  await lab.getByTestId('lab-tcp').click()
  await startServer(lab, await freePort())

  const projector = await context.browser()!.newPage({ viewport: { width: 1600, height: 900 } })
  await projector.goto(lab.url())
  await expect(projector.getByTestId('lab-tcp')).toHaveAttribute('aria-selected', 'true')
  await expect.poll(() => consoleTextOf(projector, 'http:client:1')).toContain('Reply read in')
  await projector.getByTestId('lab-http').click()
  await expect.poll(() => consoleScreen(clientConsole(projector))).toContain('Reply read in')
  // And it stays there: nothing of xterm's own settling moves it afterwards.
  await projector.waitForTimeout(1000)
  expect(await consoleScreen(clientConsole(projector))).toContain('Reply read in')
  await projector.close()
})

/** The projector: 1920×1080, a TCP server console of 13 lines, which fit at 100% and not at 200%. */
async function serverOfThirteenLines(lab: Page): Promise<void> {
  await lab.setViewportSize({ width: 1920, height: 1080 })
  await startServer(lab, await freePort())
  for (let i = 1; i <= 4; i++) {
    await lab.getByTestId('client-input').fill(`sentence ${i}`)
    await lab.getByTestId('client-send').click()
    await expect.poll(() => consoleScreen(serverConsole(lab))).toMatch(new RegExp(`(Sent reply to[^]*){${i}}`))
  }
}

async function zoomTo200(lab: Page): Promise<void> {
  for (let i = 0; i < 5; i++) await lab.getByTestId('zoom-in').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('200%')
}

/** The server console shows its end, has a scrollbar, and the wheel goes back to its first line. */
async function endThenWheelToFirstLine(lab: Page): Promise<void> {
  const console = serverConsole(lab)
  // What the screen shows, against the console's first and last lines (its lines are short: none
  // wraps; at its end the last row is the empty one the cursor waits on).
  const view = async (): Promise<string> => {
    const lines = (await consoleText(console)).split('\n')
    const { rows } = await consoleSize(console)
    const screen = (await consoleScreen(console)).trimEnd().split('\n')
    if (screen.length < rows - 1) return `${screen.length} lines on ${rows} rows`
    if (screen.join('\n') === lines.slice(-screen.length).join('\n')) return 'the end'
    if (screen.join('\n') === lines.slice(0, screen.length).join('\n')) return 'the first line'
    return `from "${screen[0]}"`
  }
  await expect.poll(view).toBe('the end')
  await lab.waitForTimeout(1000)
  expect(await view()).toBe('the end')
  await expect(console.locator('.scrollbar.vertical .slider')).toBeVisible()
  await console.hover()
  await expect
    .poll(async () => {
      await lab.mouse.wheel(0, -1000)
      return view()
    }, { timeout: 10_000 })
    .toBe('the first line')
}

test('a console off screen while the window zooms to 200% shows its end when its lab is back, and scrolls', async ({ lab }) => {
  await serverOfThirteenLines(lab)
  // The instructor zooms in while another lab is on screen, then comes back.
  await lab.getByTestId('lab-udp').click()
  await zoomTo200(lab)
  await lab.getByTestId('lab-tcp').click()
  await endThenWheelToFirstLine(lab)
  await shot(lab, 'console-zoomed-off-screen')
})

test('a console on screen while the window zooms to 200% shows its end, and scrolls', async ({ lab }) => {
  await serverOfThirteenLines(lab)
  await zoomTo200(lab)
  await endThenWheelToFirstLine(lab)
  // Back to the end, back to 100% and to 200% again, all on screen (as after a zoom made off screen).
  await lab.mouse.wheel(0, 5000)
  await lab.getByTestId('zoom-reset').click()
  await expect(lab.getByTestId('zoom-reset')).toHaveText('100%')
  await lab.waitForTimeout(500)
  await zoomTo200(lab)
  await endThenWheelToFirstLine(lab)
})

test('a console the student scrolls back with the wheel stays where they put it', async ({ lab }) => {
  await fetchSamplePage(lab)
  const console = clientConsole(lab)
  await console.hover()
  await lab.mouse.wheel(0, -2000)
  await expect.poll(() => consoleScreen(console)).not.toContain('Reply read in')
  await lab.waitForTimeout(1500)
  expect(await consoleScreen(console)).not.toContain('Reply read in')
  // Back at the end with the wheel, it follows again: the next reply shows.
  await lab.mouse.wheel(0, 4000)
  await expect.poll(() => consoleScreen(console)).toContain('Reply read in')
})
