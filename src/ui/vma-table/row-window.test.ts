import { describe, expect, it } from 'vitest'
import { rowWindow } from './row-window'

describe('rowWindow', () => {
  it('covers the rows in view plus the overscan, within the list', () => {
    expect(rowWindow(65530, 35, 0, 350, 5)).toEqual({ first: 0, end: 15 })
    expect(rowWindow(65530, 35, 35 * 1000, 350, 5)).toEqual({ first: 995, end: 1015 })
    expect(rowWindow(65530, 35, 35 * 65520, 350, 5)).toEqual({ first: 65515, end: 65530 })
    expect(rowWindow(3, 35, 0, 350, 5)).toEqual({ first: 0, end: 3 })
    expect(rowWindow(0, 35, 0, 350, 5)).toEqual({ first: 0, end: 0 })
  })

  it('still renders a row when scrolled past the end (the list shrank)', () => {
    expect(rowWindow(10, 35, 35 * 500, 350, 2)).toEqual({ first: 9, end: 10 })
  })
})
