// Bytes a peer sent, as a terminal may show them: its control characters made visible instead of
// executed. A reply holding ESC[2K or a cursor move would otherwise erase or overwrite lines the
// console already showed ("Received reply" among them), and pass for lines a program printed.

/** Every control character (C0, DEL, C1) but a tab and a line end (\n, or \r\n): those keep their meaning. */
const CONTROL = /(?!\r\n|\t|\n)\p{Cc}/gu

/** Reverse video on and off: marks an escape as one, so that a peer's own text "\x1b" does not pass for a byte. */
export const INVERSE: readonly [string, string] = ['\x1b[7m', '\x1b[27m']

/**
 * `text` with each control character written as Python's repr() writes it (ESC as \x1b, BEL as
 * \x07, a lone CR as \r, the 8-bit CSI as \x9b): the escapes a student of the course reads in
 * Python, in characters every font has (the Unicode control pictures ␛ ␇ are missing from the
 * usual terminal fonts, which showed empty boxes). `mark` wraps each escape (a terminal shows it
 * in reverse video). Tabs and line ends stay.
 */
export function visibleControls(text: string, mark: readonly [string, string] = ['', '']): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0)
    const escape = code === 0x0d ? '\\r' : `\\x${code.toString(16).padStart(2, '0')}`
    return `${mark[0]}${escape}${mark[1]}`
  })
}
