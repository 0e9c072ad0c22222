/**
 * Text for a plain-text mailing list: ASCII only, no tabs, at most 80 columns.
 *
 * `toAscii` spells the few non-ASCII characters the engine and the explorer
 * use (arrows, dashes, <=, the ellipsis) the way a mail would, and replaces
 * anything else with "?"; `wrap` breaks a long line at spaces with a hanging
 * indent, and hard-breaks a word longer than the line.
 */

export const TEXT_COLUMNS = 80

const SPELLED: Record<string, string> = {
  '\u2192': '->', '\u2190': '<-', '\u21d2': '=>', '\u2194': '<->',
  '\u2264': '<=', '\u2265': '>=', '\u2260': '!=', '\u00d7': 'x', '\u00b7': '-',
  '\u2014': '--', '\u2013': '-', '\u2212': '-', '\u2026': '...',
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"',
  '\u2713': 'ok', '\u2717': 'x', '\u00a0': ' ', '\u2248': '~',
}

/** The text with every character printable ASCII (tabs become spaces, line breaks are kept). */
export function toAscii(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '\n') out += ch
    else if (ch === '\t') out += ' '
    else if (code >= 0x20 && code < 0x7f) out += ch
    else out += SPELLED[ch] ?? (ch.normalize('NFKD').replace(/[^\x20-\x7e]/g, '') || '?')
  }
  return out
}

/**
 * `text` as lines of at most `width` columns: the first line starts with
 * `first`, the others with `rest` (the hanging indent). Breaks at spaces; a
 * word longer than the room is cut.
 */
export function wrap(text: string, first: string, rest: string, width = TEXT_COLUMNS): string[] {
  const words = toAscii(text).split(/\s+/).filter((w) => w !== '')
  const lines: string[] = []
  let line = first
  let empty = true
  const room = () => width - line.length
  for (let word of words) {
    if (!empty && word.length + 1 > room()) {
      lines.push(line)
      line = rest
      empty = true
    }
    while (word.length > room() - (empty ? 0 : 1) && word.length > 0) {
      // A word longer than a whole line: cut it.
      const take = Math.max(1, room() - (empty ? 0 : 1))
      line += (empty ? '' : ' ') + word.slice(0, take)
      word = word.slice(take)
      lines.push(line)
      line = rest
      empty = true
    }
    if (word === '') continue
    line += (empty ? '' : ' ') + word
    empty = false
  }
  if (!empty || lines.length === 0) lines.push(line.trimEnd())
  return lines
}
