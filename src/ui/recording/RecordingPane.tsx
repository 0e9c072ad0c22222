/** The recording section connected to the explorer's store (scenario, kernel, step, view options). */
import { memo, useMemo, type JSX } from 'react'
import { baseAddressValue } from '../../store/base-address'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { RecordingSection } from './RecordingSection'

export const RecordingPane = memo(function RecordingPane(): JSX.Element {
  const store = useExplorerStoreApi()
  const scenario = useExplorer((s) => s.scenario)
  const kernel = useExplorer((s) => s.kernel)
  const step = useExplorer((s) => s.step)
  const axisMode = useExplorer((s) => s.axisMode)
  const viewport = useExplorer((s) => s.viewport)
  const baseAddressText = useExplorer((s) => s.baseAddress)
  const baseAddress = useMemo(() => baseAddressValue(baseAddressText), [baseAddressText])
  const actions = store.getState()
  return (
    <RecordingSection
      scenario={scenario}
      kernel={kernel}
      step={step}
      onSelectStep={actions.goToStep}
      baseAddress={baseAddress}
      axisMode={axisMode}
      viewport={viewport}
      onViewportChange={actions.setViewport}
    />
  )
})
