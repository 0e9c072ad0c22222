/**
 * Recordings handed to the recording section by another part of the page
 * ("Open trace" makes one from the trace's real VMAs), as if the user had
 * opened the file. One listener: the recording section.
 */
export interface OfferedRecording { name: string; text: string }

type Listener = (recording: OfferedRecording | null) => void
let listener: Listener | null = null
let pending: OfferedRecording | null = null

/** Show this recording beside the simulation (null: close it). */
export function offerRecording(recording: OfferedRecording | null): void {
  if (listener) listener(recording)
  else pending = recording
}

export function subscribeRecordings(l: Listener): () => void {
  listener = l
  if (pending) {
    l(pending)
    pending = null
  }
  return () => {
    if (listener === l) listener = null
  }
}
