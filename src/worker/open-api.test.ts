import { describe, expect, it } from 'vitest'
import { createOpenApi } from './open-api'
import { loadScenario } from '../scenario/load'

const mmap = (i: number) => ({ op: 'mmap', name: `m${i}`, at: i * 2, pages: 1, prot: 'rw-', share: 'private', backing: { kind: 'anon' } })
const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

describe('the open worker\'s API', () => {
  it('answers a file with its shell, and its steps in chunks, together the scenario loadScenario reads', () => {
    const document = { format: 'vma-scenario/3', title: 'Three', windowPages: 64, steps: [mmap(0), mmap(1), mmap(2)] }
    const api = createOpenApi()
    const answer = api.open(bytesOf(document))
    if (!answer.ok) throw new Error(answer.error.message)
    expect(answer.kind).toBe('json')
    expect(answer.shell.steps).toEqual([])
    expect(answer.stepCount).toBe(3)
    expect(answer.json).toBeNull() // small: no text for the engine
    const steps = [...api.steps(0, 2), ...api.steps(2, 2)]
    const loaded = loadScenario(document)
    expect(loaded.ok && { ...answer.shell, steps }).toEqual(loaded.ok && loaded.scenario)
    api.release()
    expect(api.steps(0, 2)).toEqual([])
  })

  it('names what is wrong with a broken file, as the page says it', () => {
    const answer = createOpenApi().open(bytesOf({ format: 'vma-scenario/3', steps: [{ ...mmap(0), prot: 'rwz' }] }))
    expect(answer.ok).toBe(false)
    expect(!answer.ok && answer.error).toEqual({ path: 'steps[0].prot', message: 'expected three characters from r, w, x, - (like "rw-"), got "rwz"' })
    const notText = createOpenApi().open(new Uint8Array([0x7b, 0xff, 0xfe]))
    expect(!notText.ok && notText.error.message).toMatch(/^this is not text: byte 1 \(0xff\) is not UTF-8/)
  })

  it('gives a large scenario\'s JSON text, which parses back to the scenario', () => {
    const document = { format: 'vma-scenario/3', windowPages: 50_000, steps: Array.from({ length: 20_000 }, (_, i) => mmap(i)) }
    const answer = createOpenApi().open(JSON.stringify(document))
    if (!answer.ok) throw new Error(answer.error.message)
    const loaded = loadScenario(document)
    expect(JSON.parse(new TextDecoder().decode(answer.json!))).toEqual(loaded.ok && JSON.parse(JSON.stringify(loaded.scenario)))
  })
})
