/** The Web Worker that reads an opened file or pasted text (open-api.ts), exposed through comlink. */
import * as Comlink from 'comlink'
import { createOpenApi, type OpenApi } from './open-api'

const api = createOpenApi()
const exposed: OpenApi = {
  ...api,
  // The answer's JSON bytes are transferred, not copied (a 1,000,000-step file's are 46.7 MiB).
  open(input) {
    const answer = api.open(input)
    return answer.ok && answer.json ? Comlink.transfer(answer, [answer.json.buffer]) : answer
  },
}
Comlink.expose(exposed)
