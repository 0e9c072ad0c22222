/** Tailwind class strings shared by the toolbar's form controls, so they look alike. */
export const FIELD_LABEL = 'flex items-center gap-1.5 text-[12px] text-muted'
export const SELECT =
  'h-7 rounded border border-line bg-raised px-1.5 font-mono text-[12px] text-fg hover:border-accent'
export const TOOL_BUTTON =
  'inline-flex h-7 items-center gap-1 rounded border border-line bg-raised px-2 text-[12px] text-fg hover:bg-selection'
