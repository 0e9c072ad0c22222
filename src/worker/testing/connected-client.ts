/**
 * For tests: an EngineClient whose "worker" is one end of a MessageChannel,
 * with the real engine API (engine-api.ts) exposed on the other end: what the
 * browser does with a Worker, on one thread. `wrapApi` lets a test change
 * what the engine does (a hang, a count of runs); each new "worker" gets a
 * fresh engine, as a restarted Worker would.
 */
import * as Comlink from 'comlink'
import { createEngineApi } from '../engine-api'
import { EngineClient, type EngineClientOptions } from '../engine-client'
import type { EngineWorkerApi } from '../engine-protocol'

export function connectedClient(
  options: { wrapApi?(api: EngineWorkerApi): EngineWorkerApi; runByteBudget?: number } & Pick<EngineClientOptions, 'timeoutMs'> = {},
): { client: EngineClient; close(): void } {
  const ports: MessagePort[] = []
  const client = new EngineClient({
    timeoutMs: options.timeoutMs,
    createWorker: () => {
      const { port1, port2 } = new MessageChannel()
      ports.push(port1, port2)
      const api = createEngineApi({ runByteBudget: options.runByteBudget })
      Comlink.expose(options.wrapApi ? options.wrapApi(api) : api, port1)
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
