// How the packet log shares its height between the table and the selected event's bytes. Rows
// come whole: a table that ends mid-row shows a row cut under its sticky header or at its
// bottom (at 200% on a projector, half a row of six).

/** The height of a table of whole rows (its header row included) that fits in `space`. */
export function wholeRows(space: number, rowHeight: number): number {
  if (space < 2 * rowHeight) return Math.max(0, space)
  return Math.floor(space / rowHeight) * rowHeight
}

/** The table's share of the log while a row with bytes is selected: three fifths, to the nearest whole row, the rest to the bytes. */
export const TABLE_SHARE = 0.6

/**
 * The table's height while a row with bytes is selected: its share of `space`, rounded to whole
 * rows, but never so much that the bytes get less than `detailsMin` nor so little that the
 * table shows less than its header and one row.
 */
export function tableWithBytes(space: number, rowHeight: number, detailsMin: number): number {
  const share = Math.round((TABLE_SHARE * space) / rowHeight)
  const most = Math.floor((space - detailsMin) / rowHeight)
  return Math.max(2, Math.min(share, most)) * rowHeight
}

/** The rows' font size (rem), as styles.css sets `.log-body`'s. */
export const LOG_FONT_REM = 0.875

/** Narrower than this (rem, the log's width), the log takes its narrow columns (styles.css, `@container (max-width: 62rem)`). */
export const NARROW_LOG_REM = 62

/**
 * The room (rem) one line gives an address cell, as styles.css lays out `.log-row` (keep the two
 * together): what the fixed columns and the row's padding leave, Source's share of it, less the
 * cell's padding. `log`: the log's width (its container queries), `table`: the rows' width.
 */
export function addressRoom(log: number, table: number): number {
  const narrow = log <= NARROW_LOG_REM
  // No., Time, Protocol, Length and the row's padding; Source's fr of Source + Destination + Info.
  const fixed = narrow ? 3.25 + 6.25 + 3.25 + 3.25 + 2 * 0.5 : 4 + 6.5 + 5.25 + 4.25 + 2 * 0.75
  const share = narrow ? 1 / (1 + 1 + 2.2) : 1.25 / (1.25 + 1.25 + 3)
  const least = narrow ? 5.5 : 6.5
  return Math.max(least, (table - fixed) * share) - (narrow ? 0.3 : 0.5)
}

/**
 * Two lines a row (Source over Destination, Protocol over Length, Info wrapped) where one line
 * cannot hold the longest address whole (an IPv4 client of a `[::]` server shows as
 * [::ffff:127.0.0.1]:46212, 24 characters, at 150–200% on a projector); one line otherwise, which
 * shows the most rows. `chars` × `charRem` is that address's width.
 */
export function twoLineRows(log: number, table: number, chars: number, charRem: number): boolean {
  return chars * charRem > addressRoom(log, table)
}
