/** Full screen for presentation mode: small, so the Present button does not load the presentation view. */
export function enterFullscreen(): void {
  const root = document.documentElement
  if (!document.fullscreenElement && root.requestFullscreen) root.requestFullscreen().catch(() => undefined)
}

export function exitFullscreen(): void {
  if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => undefined)
}
