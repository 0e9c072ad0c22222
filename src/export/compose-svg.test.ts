import { describe, expect, it } from 'vitest'
import { composeExportSvg, wrapText } from './compose-svg'

describe('compose-svg', () => {
  it('wraps at spaces and splits words longer than a line', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four'])
    expect(wrapText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij'])
  })

  it('escapes scenario text and pads slides to their height', () => {
    const { svg, height } = composeExportSvg({
      width: 640,
      minHeight: 360,
      title: '<script>alert(1)</script> & co',
      stepLine: 'Step 1 of 1',
      panes: [{ label: null, svgMarkup: '<svg width="10" height="10"/>', height: 10 }],
      explanation: [[{ text: 'a < b', tone: 'pass' }]],
    })
    expect(height).toBe(360)
    expect(svg).not.toContain('<script>')
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co')
    expect(svg).toContain('a &lt; b')
  })

  it('cuts a long explanation at maxLines with an ellipsis', () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ text: `check ${i}`, tone: 'plain' as const }))
    const { svg } = composeExportSvg({ width: 640, title: 't', stepLine: 's', panes: [], explanation: [lines], maxLines: 5 })
    expect(svg).toContain('check 4')
    expect(svg).not.toContain('check 5')
    expect(svg).toContain('…')
  })
})
