/**
 * A tiny static file server for e2e tests: serves dist/ under a sub-path (for
 * example /vmascope/), the way a project page on a static host does. Anything
 * outside the sub-path is a 404, so a link or asset that escapes it fails.
 */
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

export interface StaticSite {
  origin: string
  close(): Promise<void>
}

export async function serveDist(root: string, subPath: string): Promise<StaticSite> {
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)
    if (!path.startsWith(subPath)) {
      response.writeHead(404).end('outside the site')
      return
    }
    let relative = normalize(path.slice(subPath.length))
    if (relative.startsWith('..')) {
      response.writeHead(403).end()
      return
    }
    if (relative === '' || relative === '.' || relative.endsWith('/')) relative = join(relative, 'index.html')
    readFile(join(root, relative)).then(
      (body) => response.writeHead(200, { 'content-type': TYPES[extname(relative)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end('not found'),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
