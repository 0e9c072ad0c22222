/** A recording dropped or pasted on the page, for the recording section to open (page state beside the store). */
import { createStore } from 'zustand/vanilla'

export const recordingInbox = createStore<{ file: { name: string; text: string } | null }>()(() => ({ file: null }))
