import { Simulation, simulate } from './src/engine/simulate'
import { stressGenerators } from './src/scenario/stress'
const sc = stressGenerators.mprotectSweep(2000)
const full = simulate(sc, '6.18')
const sim = new Simulation(sc, '6.18')
let bad = 0
while (sim.done < sim.total) {
  sim.advance(37)
  const s = sim.done
  const a = JSON.stringify(sim.trace.vmasAt(s)), b = JSON.stringify(full.vmasAt(s))
  if (a !== b) { bad++; if (bad < 3) console.log('differs at', s) }
  const c = JSON.stringify(sim.trace.stepAt(s)), d = JSON.stringify(full.steps[s-1])
  if (c !== d) { bad++; if (bad < 5) console.log('step differs at', s, c.slice(0,300), d.slice(0,300)) }
}
for (let s = 0; s <= sim.total; s += 13) if (JSON.stringify(sim.trace.vmasAt(s)) !== JSON.stringify(full.vmasAt(s))) { bad++; if (bad < 8) console.log('after: differs at', s) }
console.log('bad', bad)
