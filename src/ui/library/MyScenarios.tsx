/**
 * The "My scenarios" region: the scenarios kept in this browser (src/persist),
 * "Keep this scenario", and for each kept one Open (its name), Rename,
 * Duplicate and Delete. Deleting can be undone while its notice shows.
 */
import { memo, useEffect, useRef, useState } from 'react'
import { useExplorer, useExplorerStoreApi } from '../../store/use-explorer-store'
import { useLibrary, usePersistence } from '../../persist/use-persistence'
import type { LibraryEntry } from '../../persist/library'
import type { Scenario } from '../../scenario/types'

const SMALL_BUTTON = 'rounded border border-line px-1.5 text-[11.5px] hover:bg-selection'

function when(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })
}

export const MyScenarios = memo(function MyScenarios() {
  const store = useExplorerStoreApi()
  const persistence = usePersistence()
  const entries = useLibrary((s) => s.entries)
  const notice = useLibrary((s) => s.notice)
  const failure = useLibrary((s) => s.failure)
  const workId = useExplorer((s) => s.workId)
  const edited = useExplorer((s) => s.edited)
  const [renaming, setRenaming] = useState<string | null>(null)
  const [deleted, setDeleted] = useState<{ entry: LibraryEntry; scenario: Scenario } | null>(null)
  const current = workId ? entries.find((e) => e.id === workId) : undefined

  const remove = async (entry: LibraryEntry) => {
    const scenario = await persistence.library.open(entry.id)
    await persistence.deleteKept(store, entry.id)
    if (scenario) setDeleted({ entry, scenario })
    persistence.library.setNotice(`Deleted “${entry.name}”.`)
  }
  const undoDelete = async () => {
    if (!deleted) return
    const id = await persistence.library.keep(deleted.scenario, deleted.entry.name)
    setDeleted(null)
    persistence.library.setNotice(`“${persistence.library.nameOf(id) ?? deleted.entry.name}” is back.`)
  }

  return (
    <section aria-labelledby="my-scenarios-title" className="border-b border-line px-3 py-2" data-testid="my-scenarios">
      <div className="flex flex-wrap items-center justify-between gap-1">
        <h2 id="my-scenarios-title" className="text-[12px] font-semibold tracking-wide text-muted uppercase">
          My scenarios
        </h2>
        {current ? (
          <span className="text-[11.5px] text-muted">
            {edited ? 'Edits are saved into' : 'Open:'} “{current.name}”
          </span>
        ) : (
          <button type="button" className={SMALL_BUTTON} onClick={() => void persistence.keepCurrent(store)}>
            Keep this scenario
          </button>
        )}
      </div>
      <p role="status" className="text-[11.5px] text-muted empty:hidden">
        {notice}
        {notice && deleted && notice.startsWith('Deleted') && (
          <>
            {' '}
            <button type="button" className="underline" onClick={() => void undoDelete()}>
              Undo
            </button>
          </>
        )}
      </p>
      {failure && <p className="text-[11.5px] text-fail">{failure}</p>}
      {entries.length === 0 ? (
        <p className="text-[11.5px] text-muted">None yet. Edited scenarios are kept here when you open another one.</p>
      ) : (
        <ul className="mt-1 max-h-40 space-y-0.5 overflow-y-auto">
          {entries.map((entry) => (
            <li key={entry.id} className={`flex flex-wrap items-center gap-1 rounded px-1 ${entry.id === workId ? 'bg-selection' : ''}`}>
              {renaming === entry.id ? (
                <RenameField
                  entry={entry}
                  onDone={(name) => {
                    setRenaming(null)
                    if (name !== null) void persistence.library.rename(entry.id, name)
                  }}
                />
              ) : (
                <button
                  type="button"
                  className="min-w-0 flex-1 truncate text-left text-[12.5px] text-accent hover:underline"
                  aria-current={entry.id === workId ? 'true' : undefined}
                  title={`${entry.steps} steps · saved ${when(entry.updatedAt)}`}
                  onClick={() => void persistence.openKept(store, entry.id)}
                >
                  {entry.name}
                </button>
              )}
              <span className="text-[11px] text-muted">{entry.steps} steps</span>
              <button type="button" className={SMALL_BUTTON} aria-label={`Rename ${entry.name}`} onClick={() => setRenaming(entry.id)}>
                Rename
              </button>
              <button type="button" className={SMALL_BUTTON} aria-label={`Duplicate ${entry.name}`} onClick={() => void persistence.library.duplicate(entry.id)}>
                Duplicate
              </button>
              <button type="button" className={SMALL_BUTTON} aria-label={`Delete ${entry.name}`} onClick={() => void remove(entry)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
})

function RenameField({ entry, onDone }: { entry: LibraryEntry; onDone: (name: string | null) => void }) {
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.select(), [])
  return (
    <input
      ref={input}
      aria-label={`New name for ${entry.name}`}
      defaultValue={entry.name}
      className="min-w-0 flex-1 rounded border border-line bg-raised px-1 text-[12.5px]"
      onKeyDown={(event) => {
        if (event.key === 'Enter') onDone(event.currentTarget.value)
        else if (event.key === 'Escape') onDone(null)
      }}
      onBlur={(event) => onDone(event.currentTarget.value)}
    />
  )
}
