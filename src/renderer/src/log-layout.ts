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
