/** Tailwind class strings shared by the toolbar's form controls, so they look alike. */
export const FIELD_LABEL = 'flex min-w-0 max-w-full items-center gap-1.5 text-[12px] text-muted'
/** min-w-0 and max-w-full: a select with long options shrinks on a narrow screen instead of widening the page. */
export const SELECT =
  'h-7 min-w-0 max-w-full rounded border border-line bg-raised px-1.5 font-mono text-[12px] text-fg hover:border-accent'
export const TOOL_BUTTON =
  'inline-flex h-7 items-center gap-1 rounded border border-line bg-raised px-2 text-[12px] text-fg hover:bg-selection'
