// Auto-scroll as Wireshark does it: while the student is at the bottom of a list, new rows keep
// it at the bottom; once they scroll up it stays where they are, and says there is more below.

import { useCallback, useLayoutEffect, useRef, useState } from 'react'

export interface FollowNewest {
  /** True while the list sticks to its newest row. */
  following: boolean
  /** Call from the list's scroll handler. */
  onScroll: () => void
  /** Back to the newest row, and follow again. */
  jumpToNewest: () => void
}

/**
 * `scroller` is the scrolling element, `slack` how close to the bottom (px) still counts as at
 * the bottom, and `contentVersion` anything that changes when rows arrive or the height changes.
 * While `held` (the student selected a row to read it) the list stays where it is: new rows and a
 * new height do not pull it to the bottom; once no longer held, it follows again if it is there.
 */
export function useFollowNewest(scroller: React.RefObject<HTMLElement | null>, slack: number, contentVersion: unknown, held = false): FollowNewest {
  const [following, setFollowing] = useState(true)
  const followRef = useRef(true)

  const pin = useCallback((): void => {
    const el = scroller.current
    if (el) el.scrollTop = el.scrollHeight
  }, [scroller])

  // After React has laid out the new rows (not before: the height would still be the old one).
  const heldRef = useRef(held)
  heldRef.current = held
  useLayoutEffect(() => {
    if (followRef.current && !held) pin()
  }, [contentVersion, pin, held])

  /** The list's size at the last scroll event: a scroll that comes with a new size is the layout's, not the student's. */
  const size = useRef({ content: 0, view: 0 })

  const onScroll = useCallback((): void => {
    const el = scroller.current
    if (!el) return
    const resized = el.scrollHeight !== size.current.content || el.clientHeight !== size.current.view
    size.current = { content: el.scrollHeight, view: el.clientHeight }
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - slack
    // Zoom, a resized window or the details pane moved the rows: a follower stays at the bottom.
    if (!atBottom && resized && followRef.current && !heldRef.current) return pin()
    followRef.current = atBottom
    setFollowing(atBottom)
  }, [scroller, slack, pin])

  const jumpToNewest = useCallback((): void => {
    followRef.current = true
    setFollowing(true)
    pin()
  }, [pin])

  return { following: following && !held, onScroll, jumpToNewest }
}
