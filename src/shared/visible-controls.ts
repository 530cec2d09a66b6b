// Bytes a peer sent, as a terminal may show them: its control characters made visible instead of
// executed. A reply holding ESC[2K or a cursor move would otherwise erase or overwrite lines the
// console already showed ("Received reply" among them), and pass for lines a program printed.

/** Every control character (C0, DEL, C1) but a tab and a line end (\n, or \r\n): those keep their meaning. */
const SHOWN_AS_PICTURE = /(?!\r\n|\t|\n)\p{Cc}/gu

/**
 * `text` with each control character shown as the hex pane's text column cannot (it shows a dot):
 * C0 and DEL as their Unicode control pictures (ESC as ␛, BEL as ␇, a lone CR as ␍), C1 (which a
 * terminal also obeys) as \x9b. Tabs and line ends stay.
 */
export function visibleControls(text: string): string {
  return text.replace(SHOWN_AS_PICTURE, (ch) => {
    const code = ch.charCodeAt(0)
    if (code < 0x20) return String.fromCharCode(0x2400 + code)
    if (code === 0x7f) return '\u2421'
    return `\\x${code.toString(16)}`
  })
}
