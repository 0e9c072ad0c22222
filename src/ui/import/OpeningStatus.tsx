/** What is being opened (open-in-worker.ts) and how far it is, with Cancel; nothing when nothing is. */
import { TOOL_BUTTON } from '../controls/control-styles'
import { useOpening } from './open-in-worker'

const count = (n: number) => n.toLocaleString('en-US')

export function OpeningStatus() {
  const opening = useOpening((s) => s.opening)
  if (!opening) return null
  const far = opening.done === null || opening.total === null ? 'reading and checking it…' : `taking in ${count(opening.done)} of ${count(opening.total)} steps and VMAs`
  return (
    <span className="flex items-center gap-1.5 text-[12px] text-muted" data-testid="opening-status">
      <span role="status">
        Opening {opening.name}: {far}
      </span>
      <progress className="w-24" aria-label={`Opening ${opening.name}`} max={opening.total ?? undefined} value={opening.done ?? undefined} />
      <button type="button" className={TOOL_BUTTON} onClick={opening.cancel} aria-label={`Cancel opening ${opening.name}`}>
        Cancel
      </button>
    </span>
  )
}
