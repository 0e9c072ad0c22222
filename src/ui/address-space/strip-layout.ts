/**
 * Where each lane of the address-space drawing sits, in px from the top of its
 * SVG, and the sizes of its marks. One place, so the drawing, the hit test and
 * the canvas agree.
 *
 *   askedY        the "asked" bracket: the range the step's call named
 *   ghostY        the ghost lane: VMAs the step freed, dashed
 *   stripY        the strip itself, stripHeight tall, with the mg band at its top
 *   (under it)    the prot lane (canvas), then the prev/next brackets of a hovered check
 *   axisY         the axis line: page ticks, then page labels, then hex addresses
 */
export const LAYOUT = {
  askedY: 8,
  ghostY: 20,
  ghostHeight: 12,
  stripY: 38,
  stripHeight: 56,
  /** The solid band along the top of a VM_MERGEABLE VMA. */
  mergeableBandHeight: 4,
  axisY: 118,
  /** The whole SVG: the axis' two label rows end above it. */
  height: 152,
} as const

export const STRIP_BOTTOM = LAYOUT.stripY + LAYOUT.stripHeight
export const STRIP_BOX = { y: LAYOUT.stripY, height: LAYOUT.stripHeight, mergeableBandHeight: LAYOUT.mergeableBandHeight }

/** The strip's two label rows: the VMA's name, and its page range under it (baselines, px under stripY). */
export const LABEL_NAME_Y = 29
export const LABEL_RANGE_Y = 45
export const LABEL_RANGE_FONT_PX = 10
/** The "mg" tag in the top-right corner of a mergeable VMA, under its band: its box, and how far its left edge is from the VMA's right edge. */
export const MG_TAG_WIDTH = 17
export const MG_TAG_HEIGHT = 11
export const MG_TAG_FROM_RIGHT = 21
export const MG_TAG_FONT_PX = 9
/** Ghost names: the lane is 12 px tall, so 9 px type; a monospace glyph is about 0.62 em wide. */
export const GHOST_FONT_PX = 9
export const MONO_CHAR_EM = 0.62

/** Axis type (px). */
export const AXIS_FONT_PX = 10
export const AXIS_CHAR_PX = AXIS_FONT_PX * MONO_CHAR_EM
/** The axis' label rows (page numbers, then hex addresses), px under the axis line. */
export const AXIS_PAGE_Y = 16
export const AXIS_ADDRESS_Y = 30
/** Tick lengths: a labelled tick, and one without a label. */
export const AXIS_TICK_LABELLED = 5
export const AXIS_TICK = 3

/** Keyboard zoom multiplies the span by this; Shift+arrow pans by this fraction of it. */
export const KEY_ZOOM_FACTOR = 1.5
export const KEY_PAN_FRACTION = 0.25
/** A pointer this close to a VMA too narrow to hit still hovers it. */
export const HOVER_SLOP_PX = 3

/** The colour of each kind of change a step made to a VMA's struct. */
export const CHANGE_TOKEN = { new: 'var(--change-new)', merged: 'var(--change-merged)', split: 'var(--change-split)', modified: 'var(--change-modified)' } as const

/** A halo in the page colour keeps a label readable on top of the mg hatch. */
export const HALO = { stroke: 'var(--bg)', strokeWidth: 3, strokeOpacity: 0.85, paintOrder: 'stroke', strokeLinejoin: 'round' } as const
