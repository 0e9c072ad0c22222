/**
 * Finds the line of a field in JSON text, so the JSON view can show a loader
 * error ("steps[2].prot: …") at the line it is on. A small tolerant scanner:
 * it walks the text once, tracking the path of the value being read, and
 * returns the line where the value at `path` starts (or the deepest parent
 * it found, when the field is missing). Pure; never throws.
 */

/** "steps[2].backing.kind" → ["steps", 2, "backing", "kind"]. */
export function parsePath(path: string): Array<string | number> {
  const parts: Array<string | number> = []
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]))
    else if (match[1] !== undefined) parts.push(match[1])
  }
  return parts
}

export function lineOfPath(text: string, path: string): number | null {
  const target = parsePath(path)
  let pos = 0
  let line = 1
  let best: { depth: number; line: number } | null = null

  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) {
      if (text[pos] === '\n') line++
      pos++
    }
  }
  const readString = (): string => {
    let out = ''
    pos++ // opening quote
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === '\\') {
        out += text[pos + 1] ?? ''
        pos += 2
      } else {
        if (text[pos] === '\n') line++
        out += text[pos]
        pos++
      }
    }
    pos++
    return out
  }
  const matches = (current: Array<string | number>) => current.every((part, i) => target[i] === part)
  const note = (current: Array<string | number>) => {
    if (current.length <= target.length && matches(current) && (!best || current.length > best.depth)) best = { depth: current.length, line }
  }

  const readValue = (current: Array<string | number>, depth: number): void => {
    skipSpace()
    note(current)
    if (depth > 200 || pos >= text.length) return
    const ch = text[pos]
    if (ch === '{') {
      pos++
      for (;;) {
        skipSpace()
        if (pos >= text.length) return
        if (text[pos] === '}') return void pos++
        if (text[pos] === ',') {
          pos++
          continue
        }
        if (text[pos] !== '"') return
        const keyLine = line
        const key = readString()
        skipSpace()
        if (text[pos] === ':') pos++
        const child = [...current, key]
        if (child.length <= target.length && matches(child) && (!best || child.length > best.depth)) best = { depth: child.length, line: keyLine }
        readValue(child, depth + 1)
      }
    }
    if (ch === '[') {
      pos++
      let index = 0
      for (;;) {
        skipSpace()
        if (pos >= text.length) return
        if (text[pos] === ']') return void pos++
        if (text[pos] === ',') {
          pos++
          index++
          continue
        }
        readValue([...current, index], depth + 1)
      }
    }
    if (ch === '"') return void readString()
    while (pos < text.length && !/[\s,\]}]/.test(text[pos]!)) pos++
  }

  try {
    readValue([], 0)
  } catch {
    return null
  }
  const found = best as { depth: number; line: number } | null
  return found ? found.line : null
}

/** The line number a loader message names ("invalid JSON at line 3, column 5: …"), if any. */
export function lineInMessage(message: string): number | null {
  const match = /at line (\d+)/.exec(message)
  return match ? Number(match[1]) : null
}
