/**
 * Test only, loaded with `tsx --import ./src/cli/testing/inject-defect.ts`:
 * makes the simulated kernel throw at step $VMASCOPE_INJECT_DEFECT_AT (as a
 * defect would: a RangeError out of the step's code), so a test can see what
 * the runner prints for an engine failure. Nothing else loads this file.
 */
import { Simulation } from '../../engine/simulate'

const at = Number(process.env.VMASCOPE_INJECT_DEFECT_AT)
const proto = Simulation.prototype as unknown as { runOne(i: number, ...rest: unknown[]): unknown }
const runOne = proto.runOne
proto.runOne = function (this: unknown, i: number, ...rest: unknown[]) {
  if (i + 1 === at) throw new RangeError('Maximum call stack size exceeded (injected by the test)')
  return runOne.call(this, i, ...rest)
}
