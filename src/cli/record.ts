/**
 * `npm run --silent record -- [--allow-unsupported] scenario.json` (or `-` for stdin):
 * run a scenario on this machine's real kernel and print the runner JSON
 * document, kernel = "real:<uname -r>". See src/fidelity/README.md.
 *
 * Exit status: 0 printed; 2 the scenario is not valid (the first bad field is
 * named); 3 the machine or a step cannot be recorded (the reason is printed);
 * 1 anything else (usage, an I/O or recorder failure).
 */
import { readFileSync } from 'node:fs'
import { loadScenario } from '../scenario/load'
import { recordScenario } from '../fidelity/kernel-recorder'

const USAGE = 'usage: npm run --silent record -- [--allow-unsupported] <scenario.json | ->'

async function main(argv: string[]): Promise<number> {
  const allowUnsupported = argv.includes('--allow-unsupported')
  const rest = argv.filter((a) => a !== '--allow-unsupported')
  if (rest.length !== 1 || (rest[0]!.startsWith('-') && rest[0] !== '-')) {
    process.stderr.write(`${USAGE}\n`)
    return 1
  }
  const source = rest[0]!
  let text: string
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8')
  } catch (error) {
    process.stderr.write(`cannot read ${source === '-' ? 'stdin' : source}: ${(error as Error).message}\n`)
    return 1
  }
  const loaded = loadScenario(text)
  if (!loaded.ok) {
    process.stderr.write(`${source === '-' ? 'stdin' : source}: ${loaded.text}\n`)
    return 2
  }
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`)
  const result = await recordScenario(loaded.scenario, { allowUnsupported })
  if ('unsupported' in result) {
    process.stderr.write(`cannot record on this machine: ${result.unsupported}\n`)
    return 3
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`record: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  },
)
