/**
 * First / Previous / Play / Next / Last, the scrubber and "i / n". The buttons stay
 * enabled at the ends (they just do nothing there) so keyboard focus never falls off them.
 */
import { memo } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { Icon } from '../icons/icons'
import { useShownScenario } from '../engine-session/use-engine-session'

const BUTTON =
  'inline-flex h-7 min-w-7 items-center justify-center gap-1 rounded border border-line bg-raised px-1.5 text-[13px] hover:bg-selection data-[edge=true]:text-muted'

export const StepControls = memo(function StepControls() {
  // The slider and "i / n" are the shown run's (the store's step, clamped to it).
  const { stepCount } = useShownScenario()
  const step = Math.min(useExplorer((s) => s.step), stepCount)
  const playing = useExplorer((s) => s.playing)
  const { firstStep, previousStep, nextStep, lastStep, goToStep, setPlaying } = useExplorerStoreApi().getState()
  const atStart = step <= 0
  const atEnd = step >= stepCount

  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Step controls">
      <button type="button" className={BUTTON} aria-label="First step" title="First step (Home)" onClick={firstStep} data-edge={atStart}>
        <Icon name="first" />
      </button>
      <button type="button" className={BUTTON} aria-label="Previous step" title="Previous step (←)" onClick={previousStep} data-edge={atStart}>
        <Icon name="previous" />
      </button>
      <button
        type="button"
        className={`${BUTTON} w-16`}
        aria-label={playing ? 'Pause' : 'Play'}
        title={playing ? 'Pause' : 'Play the steps one after another'}
        onClick={() => setPlaying(!playing)}
      >
        <Icon name={playing ? 'pause' : 'play'} />
        <span aria-hidden="true" className="text-[12px]">{playing ? 'Pause' : 'Play'}</span>
      </button>
      <button type="button" className={BUTTON} aria-label="Next step" title="Next step (→)" onClick={nextStep} data-edge={atEnd}>
        <Icon name="next" />
      </button>
      <button type="button" className={BUTTON} aria-label="Last step" title="Last step (End)" onClick={lastStep} data-edge={atEnd}>
        <Icon name="last" />
      </button>
      <label className="ml-2 flex min-w-40 flex-1 items-center gap-2">
        <span className="sr-only">Step</span>
        <input
          type="range"
          min={0}
          max={stepCount}
          step={1}
          value={step}
          onChange={(event) => goToStep(Number(event.currentTarget.value))}
          className="h-1 w-full cursor-pointer accent-[var(--accent)]"
          aria-valuetext={`Step ${step} of ${stepCount}`}
        />
      </label>
      <span className="font-mono text-[12px] whitespace-nowrap text-muted" aria-hidden="true">
        {step} / {stepCount}
      </span>
    </div>
  )
})
