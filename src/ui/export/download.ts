/** Saves bytes or text as a file through a temporary object URL and <a download>. */
export function downloadFile(name: string, content: Uint8Array | string, type: string): void {
  const part: BlobPart = typeof content === 'string' ? content : new Uint8Array(content)
  const url = URL.createObjectURL(new Blob([part], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** A file name from a scenario title: lower case, dashes, at most 60 characters. */
export function fileStem(title: string | undefined, fallback = 'vmascope-scenario'): string {
  const stem = (title ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return stem || fallback
}
