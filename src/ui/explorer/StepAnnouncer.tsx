/** A polite live region that tells screen-reader users which step is now shown and what it did. */
import type { ShownStep } from '../engine-session/engine-session'
import { stepAnnouncement } from '../steps/step-words'

export function StepAnnouncer({ shown }: { shown: ShownStep | null }) {
  const text = shown ? stepAnnouncement(shown.step, shown.run.steps.length, shown.result) : ''
  return (
    <div aria-live="polite" aria-atomic="true" className="sr-only" data-testid="step-announcer">
      {text}
    </div>
  )
}
