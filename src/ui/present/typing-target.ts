/** True while the user types in a field or works in an open dialog: page-wide keys stay out of the way then. */
export function isTypingTarget(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest('input, select, textarea, dialog[open]') !== null)
}

/** Input types that take typed text (where ← → move the caret). Checkboxes, radios, ranges and buttons do not. */
const TEXT_INPUT_TYPES = new Set(['text', 'search', 'number', 'email', 'url', 'password', 'tel', 'date', 'datetime-local', 'month', 'time', 'week'])

/**
 * True in a text field (a text input, a text area, editable content) or an
 * open dialog: the step keys (← → Home End) work from every other control,
 * including a checkbox just ticked, a select, a button or the scrubber.
 */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable || target.closest('textarea, dialog[open], [contenteditable=""], [contenteditable="true"]')) return true
  return target instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(target.type)
}
