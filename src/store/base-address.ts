/**
 * The base address of the scenario window: the byte address of page 0, typed
 * by the user as hex. Kept as canonical text in the store (bigints do not
 * serialise) and turned into a bigint for the view.
 */

const PAGE_SIZE = 4096n
/** x86-64 with 5-level paging has a 57-bit user address space. */
const ADDRESS_LIMIT = 1n << 57n

export type BaseAddressResult = { ok: true; value: bigint; text: string } | { ok: false; message: string }

export function parseBaseAddress(input: string): BaseAddressResult {
  const trimmed = input.trim().toLowerCase()
  const digits = trimmed.startsWith('0x') ? trimmed.slice(2) : trimmed
  if (digits === '' || !/^[0-9a-f]+$/.test(digits)) {
    return { ok: false, message: `"${input.trim()}" is not a hex address (for example 0x7f0000000000)` }
  }
  if (digits.length > 16) return { ok: false, message: 'the base address has more than 16 hex digits' }
  const value = BigInt(`0x${digits}`)
  if (value % PAGE_SIZE !== 0n) return { ok: false, message: 'the base address must be a multiple of the page size (0x1000)' }
  if (value >= ADDRESS_LIMIT) return { ok: false, message: 'the base address lies above the 57-bit user address space' }
  return { ok: true, value, text: `0x${value.toString(16)}` }
}

/** The bigint of a base address the store holds (always valid there). */
export function baseAddressValue(text: string): bigint {
  const parsed = parseBaseAddress(text)
  return parsed.ok ? parsed.value : 0n
}
