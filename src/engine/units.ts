/**
 * Branded units, the one module that makes them. A page index, a byte address
 * and a pixel are all JavaScript numbers (or bigints); the brand stops one from
 * being passed where another is meant. Pages are the engine's world unit: a
 * 57-bit address space is 2^45 pages, exact in a double. Never use 32-bit bit
 * operators on any of them.
 *
 * Make a unit from a plain number with its constructor (`asPage`, `asPx`,
 * `asByteAddress`), never with `as`; the helpers below keep the brand through
 * arithmetic.
 */

/** A 4 KiB page index, relative to the scenario window's base. May be fractional in the view. */
export type Page = number & { readonly __unit: 'page' }
/** A length or position in CSS pixels. */
export type Px = number & { readonly __unit: 'px' }
/** A byte address (absolute: base + page × PAGE_SIZE). Only ever a bigint. */
export type ByteAddress = bigint & { readonly __unit: 'byte-address' }

export const PAGE_SIZE = 4096
export const PAGE_SIZE_BYTES = 4096n

export const asPage = (n: number): Page => n as Page
export const asPx = (n: number): Px => n as Px
export const asByteAddress = (n: bigint): ByteAddress => n as ByteAddress

/** `page` moved by `pages` (a count, may be negative). */
export const addPages = (page: Page, pages: number): Page => (page + pages) as Page
/** The lower / higher of two pages. */
export const minPage = (a: Page, b: Page): Page => (a < b ? a : b)
export const maxPage = (a: Page, b: Page): Page => (a > b ? a : b)

/** The byte address of window page `page` from `base`. */
export const pageAddress = (base: bigint, page: Page): ByteAddress => (base + BigInt(page) * PAGE_SIZE_BYTES) as ByteAddress
