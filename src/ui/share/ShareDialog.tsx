/**
 * "Share": a modal dialog with the link to exactly what is on screen (the
 * textbox "Share link", its length, "Copy link"), options to open it in
 * presentation mode, and an <iframe> snippet for the embed. A link over
 * ~8,000 characters is not offered as the way to share: the dialog says why
 * and offers the scenario file instead.
 */
import { useEffect, useId, useMemo, useRef, useState, type RefObject } from 'react'
import { LINK_LENGTH_LIMIT, LINK_LENGTH_WARNING, buildShareUrl } from '../../share/share-link'
import { useExplorerStoreApi } from '../../store/use-explorer-store'
import { TOOL_BUTTON } from '../controls/control-styles'
import { downloadFile, fileStem } from '../export/download'
import { shareStateOf } from './store-share-state'
import { followsInAddressBar } from './hash-sync'

/** Shows the native <dialog> as a modal while `open` (focus trapped, Escape closes). */
function useModal(ref: RefObject<HTMLDialogElement | null>, open: boolean): void {
  useEffect(() => {
    const dialog = ref.current
    if (dialog && open !== dialog.open) {
      if (open) dialog.showModal()
      else dialog.close()
    }
  }, [ref, open])
}

const FIELD = 'w-full rounded border border-line bg-panel px-2 py-1 font-mono text-[12px] text-fg'

export function ShareDialog({ open, onClose }: { open: boolean; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const store = useExplorerStoreApi()
  const [present, setPresent] = useState(false)
  const [copied, setCopied] = useState(false)
  const linkId = useId()
  const embedId = useId()

  useModal(dialog, open)

  // Computed when the dialog opens (and when the option changes), from the state at that moment.
  const links = useMemo(() => {
    if (!open) return null
    const state = shareStateOf(store.getState())
    const page = window.location.href
    return {
      link: buildShareUrl(page, state, { present }),
      embed: buildShareUrl(page, state, { embed: true }),
      scenario: state.scenario,
      comparing: state.view.compare !== null,
      // Why the address bar does not hold it (null when it does): its size.
      notInAddressBar: followsInAddressBar(state.scenario)
        ? null
        : `${state.scenario.steps.length.toLocaleString('en-US')} steps${state.scenario.initial ? `, ${state.scenario.initial.vmas.length.toLocaleString('en-US')} initial VMAs` : ''}, ${Math.ceil(JSON.stringify(state.scenario).length / 1024).toLocaleString('en-US')} KB as JSON`,
    }
  }, [open, present, store])

  const length = links?.link.length ?? 0
  const tooLong = length > LINK_LENGTH_LIMIT
  const downloadScenario = () => {
    if (!links) return
    downloadFile(`${fileStem(links.scenario.title)}.json`, `${JSON.stringify(links.scenario, null, 2)}\n`, 'application/json')
  }

  return (
    <dialog
      ref={dialog}
      onClose={() => {
        setCopied(false)
        onClose()
      }}
      aria-labelledby="share-dialog-title"
      className="m-auto w-[40rem] max-w-[94vw] rounded border border-line bg-raised p-0 text-fg shadow-xl backdrop:bg-black/40"
    >
      <div className="flex items-center justify-between border-b border-line px-3 py-2">
        <h2 id="share-dialog-title" className="text-[13px] font-semibold">
          Share this view
        </h2>
        <button type="button" onClick={onClose} className={TOOL_BUTTON}>
          Close
        </button>
      </div>
      {links && (
        <div className="space-y-2.5 px-3 py-3 text-[12.5px]">
          <p className="text-muted">
            The link holds the whole scenario, the kernel{links.comparing ? 's' : ''}, the step and the view options, compressed
            in the part after “#”, which browsers never send to a server.
          </p>
          {links.notInAddressBar && (
            <p data-testid="share-address-note">
              The address bar does not hold this scenario: it is too large to compress again at every step ({links.notInAddressBar}), so a copied
              address does not carry it. Reloading this page brings it back from this browser’s storage. To share it, use the link below or the
              scenario file.
            </p>
          )}
          <div className="space-y-1">
            <label htmlFor={linkId} className="font-semibold">
              Share link
            </label>
            <textarea id={linkId} readOnly rows={4} value={links.link} className={`${FIELD} resize-none break-all`} onFocus={(e) => e.currentTarget.select()} />
            <div className="flex flex-wrap items-center gap-2">
              <span data-testid="share-link-length" className={tooLong ? 'font-semibold text-fail' : length > LINK_LENGTH_WARNING ? 'text-fg' : 'text-muted'}>
                {length.toLocaleString('en-US')} characters
              </span>
              <button
                type="button"
                className={TOOL_BUTTON}
                onClick={() => {
                  void navigator.clipboard?.writeText(links.link).then(
                    () => setCopied(true),
                    () => setCopied(false),
                  )
                }}
              >
                Copy link
              </button>
              <span role="status" className="text-pass">
                {copied ? 'Copied.' : ''}
              </span>
              <label className="ml-auto flex items-center gap-1.5">
                <input type="checkbox" checked={present} onChange={(e) => setPresent(e.currentTarget.checked)} />
                Open in presentation mode
              </label>
            </div>
          </div>
          {tooLong ? (
            <div role="alert" className="space-y-1.5 rounded border border-fail bg-panel px-2 py-1.5">
              <p>
                This link is {length.toLocaleString('en-US')} characters long, more than about {LINK_LENGTH_LIMIT.toLocaleString('en-US')}: browsers,
                servers, mail and chat apps are only required to handle links up to 8,000 characters (RFC 9110), so it may arrive cut off and not
                open. Send the scenario file instead; the receiver opens it with “Open scenario file”.
              </p>
              <button type="button" className={TOOL_BUTTON} onClick={downloadScenario}>
                Download scenario file
              </button>
            </div>
          ) : (
            length > LINK_LENGTH_WARNING && (
              <p className="text-muted">
                Over {LINK_LENGTH_WARNING.toLocaleString('en-US')} characters: some chat apps and forums cut long links; if it does not open, send the
                scenario file (<button type="button" className="underline" onClick={downloadScenario}>download it</button>).
              </p>
            )
          )}
          <details>
            <summary className="cursor-pointer text-muted">Embed in a page or slide</summary>
            <label htmlFor={embedId} className="mt-1 block">
              Embed code
            </label>
            <textarea
              id={embedId}
              readOnly
              rows={3}
              className={`${FIELD} resize-none break-all`}
              value={`<iframe src="${links.embed.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" width="960" height="540" style="border:0" title="vmascope"></iframe>`}
              onFocus={(e) => e.currentTarget.select()}
            />
          </details>
        </div>
      )}
    </dialog>
  )
}
