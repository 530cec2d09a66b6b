// Whether a one-line element's text is cut at its edge, measured as it lays out: a header can then
// show a shorter text in its place.

import { useLayoutEffect, useRef, useState } from 'react'

/**
 * True while the text `ref` shows (which changes with `text`) is wider than the element. It keeps
 * measuring the full text's width, since the element may show a shorter one meanwhile.
 */
export function useOverflows(ref: React.RefObject<HTMLElement | null>, text: string): boolean {
  const [overflows, setOverflows] = useState(false)
  const needed = useRef(0)
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    // The full text's width: the element holds it, laid out on one line, whether it shows it or not.
    const full = el.firstElementChild as HTMLElement | null
    const check = (): void => {
      needed.current = full ? full.getBoundingClientRect().width : el.scrollWidth
      setOverflows(needed.current > el.clientWidth + 0.5)
    }
    check()
    const observer = new ResizeObserver(check)
    observer.observe(el)
    return () => observer.disconnect()
  }, [ref, text])
  return overflows
}
