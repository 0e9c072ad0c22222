/**
 * The Web Worker that runs the simulated kernel, so a long scenario never
 * blocks the page: the engine API of engine-api.ts, exposed through comlink.
 */
import * as Comlink from 'comlink'
import { createEngineApi } from './engine-api'

Comlink.expose(createEngineApi())
