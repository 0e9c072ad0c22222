/**
 * The job behind "Copy as text" and "Copy scenario as text": the plain text
 * of src/export/text for the step on screen or the whole scenario, for the
 * chosen kernel, and in compare mode for both kernels followed by what
 * differs. Loaded on first use (it brings its own engine: the text needs
 * every step's VMAs and checks, which the worker sends the page only for the
 * steps it shows).
 */
import { simulate } from '../../engine/simulate'
import { compareScenarioText, compareStepText, scenarioText, stepText } from '../../export/text'
import { baseAddressValue } from '../../store/base-address'
import type { ExplorerState } from '../../store/explorer-store'

export type TextScope = 'step' | 'scenario'

/** The text for the store's state, or a sentence saying why there is none. */
export function textFor(state: Pick<ExplorerState, 'scenario' | 'kernel' | 'compare' | 'compareKernel' | 'step' | 'baseAddress'>, scope: TextScope): { text: string } | { problem: string } {
  const { scenario, kernel, compare, compareKernel, step } = state
  const options = { base: baseAddressValue(state.baseAddress) }
  try {
    const main = simulate(scenario, kernel)
    const other = compare && compareKernel !== kernel ? simulate(scenario, compareKernel) : null
    if (scope === 'step') {
      if (step === 0) return { problem: 'the initial state is not a step: step forward first (or copy the whole scenario)' }
      return { text: other ? compareStepText(main, other, step, options) : stepText(main, step, options) }
    }
    return { text: other ? compareScenarioText(main, other, options) : scenarioText(main, options) }
  } catch (error) {
    if (error instanceof RangeError) return { problem: error.message }
    throw error
  }
}
