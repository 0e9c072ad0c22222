import { describe, expect, it } from 'vitest'
import { InputTooLarge, pastedTextTooLarge, pasteTooLarge, readBytesCapped, readTextCapped } from './read-capped'

/** A "file" whose size says 0 and whose stream never ends (like /dev/zero dropped on the page). */
function endless(): Blob & { pulled: number } {
  const chunk = new Uint8Array(1 << 16)
  const fake = {
    size: 0,
    pulled: 0,
    stream: () => new ReadableStream<Uint8Array>({
      pull(controller) {
        fake.pulled++
        controller.enqueue(chunk)
      },
    }),
  }
  return fake as unknown as Blob & { pulled: number }
}

describe('reading a user file with the cap enforced while reading', () => {
  it('reads a file up to the cap', async () => {
    expect(await readTextCapped(new Blob(['{"format":"vma-scenario/1"}']))).toBe('{"format":"vma-scenario/1"}')
    expect((await readBytesCapped(new Blob([new Uint8Array(1000)]), 1000)).length).toBe(1000)
  })

  it('refuses a file that says it is too big without reading it', async () => {
    await expect(readBytesCapped(new Blob([new Uint8Array(1001)]), 1000)).rejects.toBeInstanceOf(InputTooLarge)
  })

  it('stops an endless stream just past the cap, whatever its size says', async () => {
    const file = endless()
    const error = await readBytesCapped(file, 1 << 20).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InputTooLarge)
    expect((error as Error).message).toBe('more than 1 MiB; vmascope reads files up to 1 MiB (reading stopped there)')
    expect(file.pulled).toBeLessThanOrEqual(18) // 16 chunks reach the cap, one passes it (and the stream's own read-ahead)
  })

  it('refuses a paste that would take the text past the cap, counting UTF-8 bytes', () => {
    expect(pasteTooLarge('{}', 0, 'x'.repeat(100), 1000)).toBeNull()
    expect(pasteTooLarge('{}', 0, 'x'.repeat(999), 1000)).not.toBeNull()
    expect(pasteTooLarge('{}', 2, 'x'.repeat(1000), 1000)).toBeNull() // replaces the whole text
    expect(pasteTooLarge('', 0, 'é'.repeat(501), 1000)).not.toBeNull() // 1002 bytes
  })

  it('refuses text pasted on the page past the cap, counting UTF-8 bytes', () => {
    expect(pastedTextTooLarge('x'.repeat(1000), 1000)).toBeNull()
    expect(pastedTextTooLarge('x'.repeat(1001), 1000)).not.toBeNull()
    expect(pastedTextTooLarge('é'.repeat(500), 1000)).toBeNull() // 1000 bytes
    expect(pastedTextTooLarge('é'.repeat(501), 1000)).not.toBeNull() // 1002 bytes
    expect(pastedTextTooLarge(' '.repeat(64 * 1024 * 1024 + 1))).toBe('more than 64 MiB; vmascope opens up to 64 MiB (nothing was opened)')
  })
})
