/** The "?" dialog listing the keyboard shortcuts. A native modal <dialog>: focus is trapped, Escape closes it. */
import { memo, useEffect, useRef } from 'react'

const SHORTCUTS: Array<[string, string]> = [
  ['→', 'Next step'],
  ['←', 'Previous step'],
  ['Home', 'First step (the initial state)'],
  ['End', 'Last step'],
  ['/', 'Search VMAs and steps (Enter: next result, Shift+Enter: previous)'],
  ['G', 'Go to step'],
  ['] / [', 'Next / previous difference (compare mode, or against a recording)'],
  ['E / Shift+E', 'Next / previous failed step'],
  ['M / Shift+M', 'Next / previous merge'],
  ['?', 'This help'],
  ['P', 'Presentation mode (there: ← → step, F full screen, Esc leaves)'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'Undo / redo a change in the scenario editor'],
  ['Tab / Shift+Tab', 'Move between controls, steps, checks and table rows'],
  ['Enter / Space', 'Activate the focused button, step or pin a VMA'],
  ['Focus a check', 'Highlight the VMA it looked at in the view'],
  ['+ / − / 0', 'Address-space view (when focused): zoom in, out, whole window'],
  ['Shift+← / Shift+→', 'Address-space view (when focused): pan'],
  ['Esc', 'Close this dialog'],
]

export const KeyboardHelp = memo(function KeyboardHelp({ open, onClose }: { open: boolean; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const element = dialog.current
    if (!element) return
    if (open && !element.open) element.showModal()
    if (!open && element.open) element.close()
  }, [open])

  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      aria-labelledby="keyboard-help-title"
      className="m-auto w-[26rem] max-w-[92vw] rounded border border-line bg-raised p-0 text-fg shadow-xl backdrop:bg-black/40"
    >
      <div className="flex items-center justify-between border-b border-line px-3 py-2">
        <h2 id="keyboard-help-title" className="text-[13px] font-semibold">
          Keyboard shortcuts
        </h2>
        <button type="button" onClick={onClose} className="rounded border border-line px-2 text-[12px] hover:bg-selection">
          Close
        </button>
      </div>
      <table className="m-3 text-[12.5px]">
        <tbody>
          {SHORTCUTS.map(([keys, action]) => (
            <tr key={keys}>
              <th scope="row" className="pr-4 pb-1 text-left align-top font-normal">
                <kbd className="rounded border border-line bg-panel px-1 font-mono text-[11.5px]">{keys}</kbd>
              </th>
              <td className="pb-1">{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="border-t border-line px-3 py-2 text-[12px] text-muted">
        The step keys work anywhere except while typing in a field; with the address-space view focused they still
        step, and its own keys zoom and pan.
      </p>
    </dialog>
  )
})
