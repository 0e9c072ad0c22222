/** "Open trace": a file from `npm run trace`, or an strace log, opened in the trace worker. */
import { memo, useState, type ChangeEvent, type JSX } from 'react'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { FileInputWithAlert } from '../import/FileInputWithAlert'
import { openTracePart } from './open-trace'
import { openTraceText, traceStore } from './trace-client'

/** A trace of 100,000 calls is tens of megabytes; more than this is refused before reading. */
const MAX_TRACE_BYTES = 512 * 1024 * 1024

export const OpenTraceControl = memo(function OpenTraceControl(): JSX.Element {
  const store = useExplorerStoreApi()
  const [problem, setProblem] = useState<string | null>(null)
  const onChange = async (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    if (file.size > MAX_TRACE_BYTES) {
      setProblem(`${file.name} is ${file.size.toLocaleString('en-US')} bytes; a trace may be at most ${MAX_TRACE_BYTES.toLocaleString('en-US')}`)
      return
    }
    setProblem(null)
    const part = await openTraceText(await file.text(), file.name)
    if (!part) {
      setProblem(traceStore.getState().problem)
      return
    }
    if (!(await openTracePart(store, part, file.name))) setProblem(`${file.name}: the explorer could not open its scenario`)
  }
  return <FileInputWithAlert label="Open trace" accept=".json,.log,.txt,.strace,application/json,text/plain" onChange={onChange} alert={problem} />
})
