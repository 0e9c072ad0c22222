/** The recording section connected to the explorer's store (step, view options) and the engine session (the run shown). */
import { memo, useMemo, type JSX } from 'react'
import { baseAddressValue } from '../../store/base-address'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { useEngineSession, useSessionSnapshot } from '../engine-session/use-engine-session'
import { RecordingSection } from './RecordingSection'

export const RecordingPane = memo(function RecordingPane(): JSX.Element {
  const store = useExplorerStoreApi()
  const session = useEngineSession()
  const { primary } = useSessionSnapshot()
  const step = useExplorer((s) => s.step)
  const axisMode = useExplorer((s) => s.axisMode)
  const viewport = useExplorer((s) => s.viewport)
  const baseAddressText = useExplorer((s) => s.baseAddress)
  const baseAddress = useMemo(() => baseAddressValue(baseAddressText), [baseAddressText])
  const actions = store.getState()
  return (
    <RecordingSection
      engine={session}
      run={primary}
      step={step}
      onSelectStep={actions.goToStep}
      baseAddress={baseAddress}
      axisMode={axisMode}
      viewport={viewport}
      onViewportChange={actions.setViewport}
    />
  )
})
