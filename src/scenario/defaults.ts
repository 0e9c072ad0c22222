/**
 * The scenario format's defaults, defined once: the schema documents them, the
 * loader fills them in, and the engine, the exports and the reproducer read
 * them from here (a module with no imports, so the engine takes no zod with it).
 */

/** `windowPages` when a scenario gives none. */
export const DEFAULT_WINDOW_PAGES = 1024
/** `maxMapCount` when a scenario gives none: the kernel's default vm.max_map_count (DEFAULT_MAX_MAP_COUNT, include/linux/mm.h). */
export const DEFAULT_MAX_MAP_COUNT = 65530
/** The largest scenario text read, in bytes (UTF-8): 64 MiB. A constant here so that the page's file readers check it without loading the JSON reader (json-text.ts). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024
