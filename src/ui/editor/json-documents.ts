/**
 * The JSON view's document of each draft it has shown or applied, so that Undo and Redo in the
 * JSON view of a large scenario swap documents instead of writing 720,840 lines out again (the
 * garbage of which cost the stress scenario a 100 ms pause). A document typed and applied is
 * kept under the draft of the scenario it became; one written from a draft, under that draft.
 * CodeMirror documents are immutable and share their unchanged chunks, so a document per edit
 * costs only its changed lines; each goes when its draft (a scenario in the edit history) goes.
 * Only a type import of CodeMirror here: the editor's first chunk does not load it.
 */
import type { Text } from '@codemirror/state'

export const documentOfDraft = new WeakMap<object, Text>()
