/** While `playing` is on, advances one step per interval and stops at the last step. */
import { useEffect } from 'react'
import type { ExplorerStore } from '../../store/explorer-store'
import { useExplorer } from '../../store/use-explorer-store'

const STEP_INTERVAL_MS = 900

export function usePlayback(store: ExplorerStore): void {
  const playing = useExplorer((s) => s.playing)
  useEffect(() => {
    if (!playing) return
    const timer = setInterval(() => {
      const { nextStep, setPlaying } = store.getState()
      nextStep()
      const { step, scenario } = store.getState()
      if (step >= scenario.steps.length) setPlaying(false)
    }, STEP_INTERVAL_MS)
    return () => clearInterval(timer)
  }, [playing, store])
}
