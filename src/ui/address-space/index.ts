/**
 * Public entry of the address-space view. The app imports from here only.
 */
export { AddressSpaceView, type AddressSpaceViewProps } from './AddressSpaceView'
export {
  compressedAxis,
  compressedColumns,
  compressedScale,
  formatAddress,
  hexAddress,
  linearAxis,
  linearScale,
  normaliseViewport,
  scaleFromAxis,
  type AxisMode,
  type Page,
  type PageRange,
  type PageScale,
  type Px,
  type UnitAxis,
} from './scales'
export { mapsHeaderLine, sizeLine, vmFlagsLine } from './smaps'
export { mergeableCount } from './summary'
