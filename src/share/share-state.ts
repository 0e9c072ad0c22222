/**
 * What a share link carries: the scenario and the view its sender saw (the
 * kernel or the two compared kernels, the step, the view options).
 *
 * The theme is left out on purpose: it is the receiver's preference (their
 * system setting or their toggle), not part of what was shown. Hover,
 * highlight and playback are moments, not state.
 *
 * The view is validated with zod; every field is optional with the explorer's
 * default, so a hand-written link needs only the scenario.
 */
import { z } from 'zod'
import { DEFAULT_KERNEL, KERNEL_IDS, type KernelId } from '../engine/api'
import type { Scenario } from '../scenario/types'
import { parseBaseAddress } from '../store/base-address'

export const DEFAULT_SHARED_BASE_ADDRESS = '0x7f0000000000'

export interface SharedView {
  kernel: KernelId
  /** The second kernel in compare mode; null when not comparing. */
  compare: KernelId | null
  /** 0 = the initial state; scenario.steps.length = after the last step. */
  step: number
  axisMode: 'linear' | 'compressed'
  /** Hex text of the byte address of page 0, canonical ("0x7f0000000000"). */
  baseAddress: string
  viewport: { startPage: number; endPage: number } | null
  pinnedVmaId: number | null
}

export interface ShareState {
  scenario: Scenario
  view: SharedView
}

/** The explorer's defaults for a scenario with `stepCount` steps. */
export function defaultSharedView(stepCount: number): SharedView {
  return {
    kernel: DEFAULT_KERNEL,
    compare: null,
    step: stepCount,
    axisMode: 'linear',
    baseAddress: DEFAULT_SHARED_BASE_ADDRESS,
    viewport: null,
    pinnedVmaId: null,
  }
}

const kernelSchema = z.enum(KERNEL_IDS, {
  error: (issue) => `unknown kernel ${JSON.stringify(issue.input)}; expected one of ${KERNEL_IDS.join(', ')}`,
})

const pageNumber = z.number({ error: 'expected a page number' }).finite().min(0, { error: 'expected a page number ≥ 0' })

/** The view as written in a link: every field optional, unknown fields dropped. */
export const sharedViewSchema = z.object({
  kernel: kernelSchema.optional(),
  compare: kernelSchema.nullable().optional(),
  step: z.int({ error: 'expected a step number (a whole number ≥ 0)' }).min(0, { error: 'expected a step number ≥ 0' }).optional(),
  axisMode: z.enum(['linear', 'compressed'], { error: 'expected "linear" or "compressed"' }).optional(),
  baseAddress: z
    .string({ error: 'expected a hex address as text' })
    .max(40, { error: 'too long for an address' })
    .superRefine((text, context) => {
      const parsed = parseBaseAddress(text)
      if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message })
    })
    .optional(),
  viewport: z
    .object({ startPage: pageNumber, endPage: pageNumber })
    .refine((v) => v.endPage > v.startPage, { error: 'endPage must be greater than startPage' })
    .nullable()
    .optional(),
  pinnedVmaId: z.int({ error: 'expected a VMA id (a whole number)' }).min(0).nullable().optional(),
})

export type SharedViewInput = z.infer<typeof sharedViewSchema>

/**
 * Fills the view's defaults and checks it against the scenario. Returns a
 * message with the field's path ("view.step: …") when it does not fit.
 */
export function completeSharedView(input: SharedViewInput, scenario: Scenario): { ok: true; view: SharedView } | { ok: false; message: string } {
  const defaults = defaultSharedView(scenario.steps.length)
  const step = input.step ?? defaults.step
  if (step > scenario.steps.length) {
    return {
      ok: false,
      message: `view.step: step ${step} is past the end of the scenario (it has ${scenario.steps.length} step${scenario.steps.length === 1 ? '' : 's'})`,
    }
  }
  const base = input.baseAddress === undefined ? defaults.baseAddress : parseBaseAddress(input.baseAddress)
  return {
    ok: true,
    view: {
      kernel: input.kernel ?? defaults.kernel,
      compare: input.compare ?? null,
      step,
      axisMode: input.axisMode ?? defaults.axisMode,
      baseAddress: typeof base === 'string' ? base : base.ok ? base.text : defaults.baseAddress,
      viewport: input.viewport ?? null,
      pinnedVmaId: input.pinnedVmaId ?? null,
    },
  }
}
