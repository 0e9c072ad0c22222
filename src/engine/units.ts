/**
 * Branded units. A page index and a byte address are both JavaScript numbers;
 * the brand stops one from being passed where the other is meant. Pages are the
 * engine's world unit: a 57-bit address space is 2^45 pages, exact in a double.
 * Never use 32-bit bit operators on either.
 */

/** A 4 KiB page index, relative to the scenario window's base. */
export type Page = number & { readonly __unit: 'page' }

export const PAGE_SIZE = 4096

export const asPage = (n: number): Page => n as Page
