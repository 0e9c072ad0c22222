/**
 * The Web Worker that reads an opened trace and simulates it on every kernel
 * (src/trace/trace-api.ts), exposed through comlink like the engine worker.
 */
import * as Comlink from 'comlink'
import { createTraceApi } from '../trace/trace-api'

Comlink.expose(createTraceApi())
