/**
 * For tests: an EngineClient whose "worker" is one end of a MessageChannel,
 * with the real engine API (engine-api.ts) exposed on the other end: what the
 * browser does with a Worker, on one thread.
 */
import * as Comlink from 'comlink'
import { createEngineApi } from '../engine-api'
import { EngineClient } from '../engine-client'

export function connectedClient(): { client: EngineClient; close(): void } {
  const ports: MessagePort[] = []
  const client = new EngineClient({
    createWorker: () => {
      const { port1, port2 } = new MessageChannel()
      ports.push(port1, port2)
      Comlink.expose(createEngineApi(), port1)
      return Object.assign(port2, { terminate: () => port2.close() }) as unknown as Worker
    },
  })
  return {
    client,
    close() {
      client.dispose()
      for (const port of ports) port.close()
    },
  }
}
