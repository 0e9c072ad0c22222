/** True while the user types in a field or works in an open dialog: page-wide keys stay out of the way then. */
export function isTypingTarget(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.closest('input, select, textarea, dialog[open]') !== null)
}
