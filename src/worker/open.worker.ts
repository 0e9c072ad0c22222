/** The Web Worker that reads an opened file or pasted text (open-api.ts), exposed through comlink. */
import * as Comlink from 'comlink'
import { createOpenApi } from './open-api'

Comlink.expose(createOpenApi())
