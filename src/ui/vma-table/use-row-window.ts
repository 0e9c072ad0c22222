/**
 * Windowing for long tables: which rows of a fixed-height-row list are in (or
 * near) the scroll container's view. Only those are rendered; spacers above
 * and below keep the scroll height, so 65,530 rows cost what 40 do.
 *
 * `rowWindow` (./row-window.ts) is the pure part; this hook follows the
 * container's scroll position and height.
 */
import { useEffect, useState, type RefObject } from 'react'
import { rowWindow, type RowWindow } from './row-window'

export function useRowWindow(container: RefObject<HTMLElement | null>, total: number, rowHeight: number, overscan = 8): RowWindow {
  const [view, setView] = useState({ scrollTop: 0, height: 600 })
  useEffect(() => {
    const element = container.current
    if (!element) return
    let frame = 0
    const read = () => {
      frame = 0
      setView((old) => (old.scrollTop === element.scrollTop && old.height === element.clientHeight ? old : { scrollTop: element.scrollTop, height: element.clientHeight }))
    }
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(read)
    }
    read()
    element.addEventListener('scroll', schedule, { passive: true })
    const observer = new ResizeObserver(schedule)
    observer.observe(element)
    return () => {
      element.removeEventListener('scroll', schedule)
      observer.disconnect()
      if (frame) cancelAnimationFrame(frame)
    }
  }, [container])
  return rowWindow(total, rowHeight, view.scrollTop, view.height, overscan)
}
