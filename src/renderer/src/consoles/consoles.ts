// The xterm.js consoles, kept outside React: one Terminal per console key, alive for the whole
// session (a hidden tab keeps its history), written once per animation frame at most, in small
// pieces, and no faster than xterm parses them.

import { FitAddon } from '@xterm/addon-fit'
import { Terminal, type ITheme } from '@xterm/xterm'
import { createI18n, type TFunction } from '../../../shared/i18n/i18n'
import { isSaid, said, say, type Said } from '../../../shared/i18n/said'
import { INVERSE, visibleControls } from '../../../shared/visible-controls'
import { FrameThrottle } from '../ui/frame-throttle'
import { zoomDirection, type Theme } from '../ui/zoom'

export type LineStyle = 'plain' | 'error' | 'input' | 'note'

/** English words, for what is worded before a window gives its own (and for the tests). */
let english: TFunction | undefined
const englishWords = (): TFunction => (english ??= createI18n('en').t)

const STYLE: Record<LineStyle, [string, string]> = {
  plain: ['', ''],
  error: ['\x1b[1;91m', '\x1b[0m'],
  input: ['\x1b[96m', '\x1b[0m'],
  note: ['\x1b[2;3m', '\x1b[0m']
}

/**
 * Text written to one console in one frame is capped: a flood of thousands of lines per second
 * cannot be read anyway, and parsing it all would starve the rest of the window. The packet log
 * keeps every event.
 */
const MAX_FRAME_TEXT = 32 * 1024

/**
 * The last MAX_FRAME_TEXT characters of `text`, from a line start, after a note of how many lines
 * were left out (those up to and including the line end where the kept text starts).
 */
export function frameTail(text: string, t: TFunction = englishWords()): string {
  if (text.length <= MAX_FRAME_TEXT) return text
  const start = text.indexOf('\r\n', text.length - MAX_FRAME_TEXT)
  if (start < 0) return text.slice(-MAX_FRAME_TEXT)
  let skipped = 0
  for (let i = text.indexOf('\r\n'); i >= 0 && i <= start; i = text.indexOf('\r\n', i + 2)) skipped++
  return `${STYLE.note[0]}${say(t, said('lab:console.notShown', { count: skipped }))}${STYLE.note[1]}${text.slice(start)}`
}

/**
 * Each line is cut to this many characters (a pasted 64 KiB sentence would be hundreds of rows),
 * so that a frame's text always holds whole lines to show; the packet log has every byte.
 */
const MAX_LINE_CHARS = 4096

/** `text` with every line longer than MAX_LINE_CHARS cut, saying how much was left out. */
export function cutLongLines(text: string, t: TFunction = englishWords()): string {
  if (text.length <= MAX_LINE_CHARS) return text
  return text
    .split('\n')
    .map((line) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} ${say(t, said('lab:console.moreChars', { count: line.length - MAX_LINE_CHARS }))}` : line))
    .join('\n')
}

/**
 * Text goes to xterm in pieces of about this many characters: xterm parses one piece at a time
 * and gives the window back every few milliseconds between pieces, never within one, so a
 * frame's worth of lines in one piece kept the window busy for a tenth of a second in a flood.
 */
const WRITE_SLICE = 1024

/** `text` in pieces of about WRITE_SLICE characters, cut after a line end where there is one. */
export function slices(text: string): string[] {
  const out: string[] = []
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + WRITE_SLICE)
    if (end < text.length) {
      const lineEnd = text.lastIndexOf('\n', end - 1)
      if (lineEnd >= start) end = lineEnd + 1
    }
    out.push(text.slice(start, end))
    start = end
  }
  return out
}

/**
 * What the programs print reaches the consoles at most this often (as packets reach the wire
 * view): a flood of lines scrolls ten times a second instead of every frame. Typing is echoed at
 * the next frame.
 */
const OUTPUT_FLUSH_MS = 100

/** How long after the student's last wheel, key or pointer event a scroll is still theirs. */
const STUDENT_SCROLL_MS = 400

/** What one write shows at most (an HTTP reply of megabytes would drown the terminal). */
const MAX_LINE = 64 * 1024

const THEMES: Record<Theme, ITheme> = {
  dark: { background: '#0d1117', foreground: '#e6edf3', cursor: '#e6edf3', brightRed: '#ff7b72', brightCyan: '#79c0ff', selectionBackground: '#264f78' },
  contrast: { background: '#000000', foreground: '#ffffff', cursor: '#ffff00', brightRed: '#ff9090', brightCyan: '#80ffff', selectionBackground: '#ffff00', selectionForeground: '#000000' }
}

interface Entry {
  term: Terminal
  fit: FitAddon
  host: HTMLDivElement
  pending: string
  /** Pieces handed to xterm and not parsed yet: no more is handed over until they are. */
  writing: number
  /** Client consoles: the prompt shown while waiting for input, and what has been typed so far. */
  prompt?: string
  typed: string
  onLine?: (line: string) => void
  /** Where the student left the console's scrollback when it was last taken off screen (undefined: at the end). */
  scrolledTo?: number
  /**
   * The console shows its end and follows what comes, until the student scrolls back. Kept here,
   * not read from xterm: a console put on screen while its history is being written can have its
   * view thrown to the top by xterm itself (a new window on a running lab showed a screenful from
   * the middle), and only the student's own scrolling may stop the following.
   */
  following: boolean
  /** The student is scrolling (a wheel, key or pointer moment ago): the view is theirs to move. */
  studentScrolling?: ReturnType<typeof setTimeout>
  /** A snap back to the end is queued for the next frame. */
  snapping?: boolean
}

export class ConsoleRegistry {
  private readonly entries = new Map<string, Entry>()
  private readonly output = new FrameThrottle(() => this.flush(), OUTPUT_FLUSH_MS)
  private theme: Theme = 'dark'
  private fontSize = 15
  /**
   * The window's words (its i18next t, which follows the language switch). A line of the window's
   * own (a Said) is worded when it is written: xterm keeps characters, not keys, so the lines
   * written before a switch stay in the language they were written in, and new lines come in the new one.
   */
  private t: TFunction = englishWords()

  private entry(key: string): Entry {
    let e = this.entries.get(key)
    if (e) return e
    const term = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace',
      fontSize: this.fontSize,
      scrollback: 5000,
      theme: THEMES[this.theme],
      cursorBlink: false,
      disableStdin: false
    })
    const fit = new FitAddon()
    term.loadAddon(fit)
    const host = document.createElement('div')
    host.className = 'xterm-host'
    // Data, not words to translate: the course programs' own lines (never translated) and what the
    // student typed. The window's own notes here come from the catalogs, already in its language.
    host.setAttribute('translate', 'no')
    term.open(host)
    e = { term, fit, host, pending: '', writing: 0, typed: '', following: true }
    const entry = e
    term.onData((data) => this.typed(entry, data))
    // The student's wheel, keys and scrollbar decide whether the console follows its end (caught on
    // the way in: xterm stops the wheel): once their scroll is done, following means being at the end.
    const scrolledByStudent = (): void => {
      clearTimeout(entry.studentScrolling)
      entry.studentScrolling = setTimeout(() => {
        entry.studentScrolling = undefined
        entry.following = atEnd(entry.term)
      }, STUDENT_SCROLL_MS)
    }
    for (const type of ['wheel', 'keydown', 'pointerdown', 'pointerup']) host.addEventListener(type, scrolledByStudent, { passive: true, capture: true })
    // Any other move away from the end is xterm's own (its view resyncing while the font or the
    // size settles): a following console goes back to its end.
    term.onScroll(() => {
      if (!entry.following || entry.studentScrolling !== undefined || entry.snapping || atEnd(entry.term)) return
      entry.snapping = true
      requestAnimationFrame(() => {
        entry.snapping = false
        if (entry.following && entry.studentScrolling === undefined) showEnd(entry.term)
      })
    })
    // Keys the window needs stay with the window: Tab moves focus on (a console must not trap the
    // keyboard), and Ctrl +/−/0 zoom as everywhere else.
    term.attachCustomKeyEventHandler((ev) => !(isFocusKey(ev) || zoomDirection(ev) !== null))
    this.entries.set(key, e)
    return e
  }

  /** Shows console `key` inside `parent`; returns the function that takes it out again. */
  attach(key: string, parent: HTMLElement, label: string): () => void {
    const e = this.entry(key)
    e.term.textarea?.setAttribute('aria-label', label)
    parent.appendChild(e.host)
    // A zoom while the console was off screen reaches it now, in the page, where xterm can measure its characters.
    if (e.term.options.fontSize !== this.fontSize) e.term.options.fontSize = this.fontSize
    const refit = (): void => {
      if (parent.clientWidth > 0 && parent.clientHeight > 0) fitFollowing(e)
    }
    refit()
    // A console filled while off screen (another tab, or replayed after a reload) opens at its end,
    // so that what comes next shows; one the student had scrolled back opens where they left it.
    e.following = e.scrolledTo === undefined
    if (e.following) showEnd(e.term)
    else e.term.scrollToLine(e.scrolledTo!)
    e.term.refresh(0, e.term.rows - 1)
    const drawn = e.term.onRender(() => {
      drawn.dispose()
      settleAtEnd(e)
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    const observer = new ResizeObserver(() => {
      clearTimeout(timer)
      timer = setTimeout(refit, 50)
    })
    observer.observe(parent)
    return () => {
      drawn.dispose()
      observer.disconnect()
      clearTimeout(timer)
      e.scrolledTo = e.following ? undefined : e.term.buffer.active.viewportY
      if (e.host.parentElement === parent) parent.removeChild(e.host)
    }
  }

  focus(key: string): void {
    this.entries.get(key)?.term.focus()
  }

  /**
   * Writes one line (or several, for HTTP heads and bodies) to console `key`; an `input` line is
   * what the student sent, shown after the prompt as the course's client shows it. The line's own
   * control characters are shown, never obeyed (it may hold a peer's bytes: visible-controls.ts);
   * only the style's colours, added here, reach the terminal as escapes.
   */
  write(key: string, what: string | Said, style: LineStyle = 'plain'): void {
    const e = this.entry(key)
    const line = isSaid(what) ? say(this.t, what) : what
    const cut = cutLongLines(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}\n${say(this.t, said('lab:console.moreChars', { count: line.length - MAX_LINE }))}` : line, this.t)
    // Cut first, on the line's own characters, so that no cut falls inside an escape's reverse video.
    const shown = visibleControls(cut, INVERSE)
    const [on, off] = STYLE[style]
    // Keep the prompt on the last line: erase it, print the line, draw it again.
    const erase = e.prompt !== undefined ? '\r\x1b[2K' : ''
    const redraw = e.prompt !== undefined ? e.prompt + e.typed : ''
    const lead = style === 'input' ? (e.prompt ?? '') : ''
    e.pending += `${erase}${lead}${on}${shown.replace(/\r?\n/g, '\r\n')}${off}\r\n${redraw}`
    this.output.soon()
  }

  /** Everything console `key` holds (scrollback included), wrapped rows joined back into lines. */
  text(key: string): string {
    const e = this.entries.get(key)
    if (!e) return ''
    const buffer = e.term.buffer.active
    const lines: string[] = []
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i)
      if (!line) continue
      const text = line.translateToString(true)
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text
      else lines.push(text)
    }
    return lines.join('\n').trimEnd()
  }

  /** Rows and columns console `key` shows on screen now (for the projector tests). */
  size(key: string): { rows: number; cols: number } | null {
    const e = this.entries.get(key)
    return e && e.host.isConnected ? { rows: e.term.rows, cols: e.term.cols } : null
  }

  /** Makes `key` a console that reads lines: shows `prompt`, echoes typing, Enter hands the line over. */
  readLines(key: string, prompt: string, onLine: (line: string) => void): void {
    const e = this.entry(key)
    e.onLine = onLine
    if (e.prompt === prompt) return
    e.prompt = prompt
    e.typed = ''
    e.pending += `\r\x1b[2K${prompt}`
    this.output.nextFrame()
  }

  /** The words of the lines written from now on (the window's language). */
  setWords(t: TFunction): void {
    this.t = t
  }

  setTheme(theme: Theme): void {
    this.theme = theme
    for (const e of this.entries.values()) e.term.options.theme = THEMES[theme]
  }

  setFontSize(px: number): void {
    this.fontSize = px
    // Only the consoles on screen: xterm measures its characters when the size changes, which it
    // cannot do off the page. attach() gives the others the size when they are back.
    for (const e of this.entries.values()) {
      if (!e.host.isConnected) continue
      e.term.options.fontSize = px
      fitFollowing(e)
      settleAtEnd(e)
    }
  }

  private typed(e: Entry, data: string): void {
    if (!e.onLine || e.prompt === undefined) return
    for (const ch of data) {
      if (ch === '\r' || ch === '\n') {
        const line = e.typed
        e.typed = ''
        // The line comes back as an `input` line in its place, once the host has it (every window
        // shows it, a reload too); until then the prompt waits empty.
        e.pending += `\r\x1b[2K${e.prompt}`
        e.onLine(line)
      } else if (ch === '\x7f' || ch === '\b') {
        if (e.typed.length > 0) {
          e.typed = e.typed.slice(0, -1)
          e.pending += '\b \b'
        }
      } else if (ch >= ' ' && ch !== '\x7f' && e.typed.length < 4096) {
        e.typed += ch
        e.pending += ch
      }
    }
    this.output.nextFrame()
  }

  /** Hands what waits to xterm, in pieces, to each terminal that has parsed what it had. */
  private flush(): void {
    for (const e of this.entries.values()) {
      // A terminal still parsing keeps what came meanwhile; frameTail() trims it when it is its turn.
      if (!e.pending || e.writing > 0) continue
      const text = frameTail(e.pending, this.t)
      e.pending = ''
      for (const piece of slices(text)) {
        e.writing++
        e.term.write(piece, () => {
          if (--e.writing > 0) return
          if (e.following) showEnd(e.term)
          if (e.pending) this.output.soon()
        })
      }
    }
  }
}

/** Fits a console to its box: wrapped lines reflow, and a console that follows its end still shows it. */
function fitFollowing(e: Entry): void {
  e.fit.fit()
  if (e.following) showEnd(e.term)
}

/**
 * A following console back on screen, once xterm has drawn it, or after a zoom: it shows its end,
 * and the viewport (which scrolls the view, and draws the scrollbar) agrees. Off screen xterm
 * pauses its renderer and sizes it only once it shows again, after its viewport took the size of a
 * fit made meanwhile, and a zoom leaves the viewport's position in the old line height's pixels:
 * the console stuck on its first lines, with no scrollbar, and the wheel moved it to odd places.
 * A resize by a row and back makes the viewport take its real size at xterm's next frame, when
 * the console scrolls to its end again.
 */
function settleAtEnd(e: Entry): void {
  if (!e.following || e.studentScrolling !== undefined) return
  const { cols, rows } = e.term
  e.term.resize(cols, rows + 1)
  e.term.resize(cols, rows)
  requestAnimationFrame(() => {
    if (e.following && e.studentScrolling === undefined) showEnd(e.term)
  })
}

/**
 * Shows the console's last line. xterm scrolls through its viewport, by so many lines from where
 * the viewport thinks the view is, and that can be wrong:
 * - after a zoom with the view at its end, the viewport was left at the top (the wheel could not
 *   scroll back): a line down first makes it take the view's place as its own;
 * - it can keep the height it had before a resize (a console filled off screen at xterm's default
 *   24 rows, then fitted smaller), and stop a few lines short of the end: a line back makes it take
 *   its new height, and the end is then within reach.
 */
function showEnd(term: Terminal): void {
  term.scrollLines(1)
  term.scrollToBottom()
  if (atEnd(term)) return
  term.scrollLines(-1)
  term.scrollToBottom()
}

function isFocusKey(ev: KeyboardEvent): boolean {
  return ev.key === 'Tab' && !ev.ctrlKey && !ev.altKey && !ev.metaKey
}

/** Whether the console's view shows its last line. */
function atEnd(term: Terminal): boolean {
  const buffer = term.buffer.active
  return buffer.viewportY >= buffer.baseY
}
