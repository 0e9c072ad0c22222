/**
 * Keeps a box from shrinking back while the user works in it: its min-height
 * follows the tallest height seen at the current width. The address-space
 * view grows a little when a check is hovered (its legend gains the prev/next
 * entries); without this, everything below it would jump up and down under
 * the pointer as the user moves along the list of checks.
 */
import { useEffect, type RefObject } from 'react'

export function useSteadyHeight(box: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = box.current
    if (!element) return
    let width = -1
    let tallest = 0
    const observer = new ResizeObserver(([entry]) => {
      if (!entry) return
      const size = entry.borderBoxSize[0]
      const height = size ? size.blockSize : element.offsetHeight
      const currentWidth = size ? size.inlineSize : element.offsetWidth
      if (currentWidth !== width) {
        // A new width may wrap the legend differently: start over from the natural height.
        width = currentWidth
        element.style.minHeight = ''
        tallest = element.offsetHeight
      } else if (height > tallest) {
        tallest = height
      }
      element.style.minHeight = `${tallest}px`
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [box])
}
