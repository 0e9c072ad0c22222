/**
 * The content width of an element in CSS px, kept current with a ResizeObserver (0 until measured).
 *
 * An element that mounts again in the same place (the address space of a newly opened scenario,
 * the overview) starts from the width its `slot` last had, and the observer's first report (made
 * after layout, before paint) corrects it if the page changed meanwhile. Only a slot's first
 * mount reads `clientWidth`, which forces a layout of the whole page inside React's commit: for
 * a scenario that replaces 65,530 VMAs on screen, a forced layout of 20 to 30 ms.
 */
import { useLayoutEffect, useState, type RefObject } from 'react'

const lastWidth = new Map<string, number>()

export function useElementWidth(ref: RefObject<HTMLElement | null>, slot: string): number {
  const [width, setWidth] = useState(() => lastWidth.get(slot) ?? 0)
  useLayoutEffect(() => {
    const element = ref.current
    if (!element) return
    const set = (next: number) => {
      lastWidth.set(slot, next)
      setWidth(next)
    }
    if (!lastWidth.has(slot)) set(Math.floor(element.clientWidth))
    const observer = new ResizeObserver((entries) => {
      const entry = entries[entries.length - 1]
      set(Math.floor(entry.contentRect.width))
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref, slot])
  return width
}
