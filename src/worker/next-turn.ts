/**
 * Gives the event loop a turn, so that messages from the other side (a
 * cancel, a step's VMAs) and timers are handled before the caller goes on.
 *
 * Where `setImmediate` exists (Node: the tests, where the page and the
 * "worker" share one thread), it is used: an immediate runs once per turn of
 * the loop, after its timers and its poll for messages, whatever order the
 * loop serves message ports in. In a browser a message on a fresh
 * MessageChannel is used (timers nested more than 5 deep are clamped to 4 ms;
 * the worker has its own thread, and the page's task queues take turns).
 */
type Immediate = (callback: () => void) => unknown

export function nextTurn(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: Immediate }).setImmediate
  if (typeof immediate === 'function') return new Promise((resolve) => void immediate(resolve))
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}
