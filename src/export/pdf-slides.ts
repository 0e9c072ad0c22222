/**
 * "Export slides": one PDF page per step, each page one picture of that step
 * (rendered by the UI as a PNG), 16:9, ready to drop into a talk. The
 * scenario is attached to the PDF as scenario.json.
 *
 * pdf-lib is loaded with a dynamic import(), so it is fetched only when
 * someone exports slides and the main bundle stays small.
 */

export interface SlideImage {
  /** PNG bytes of the slide. */
  png: Uint8Array
}

export interface SlidesDocumentInfo {
  title: string
  /** The scenario JSON, attached to the PDF. */
  scenarioJson: string
}

/** A 16:9 page of 960 × 540 points (13.33 × 7.5 in, a presentation slide). */
export const SLIDE_PAGE = { width: 960, height: 540 } as const

export async function buildSlidesPdf(slides: readonly SlideImage[], info: SlidesDocumentInfo): Promise<Uint8Array> {
  const { PDFDocument } = await import('pdf-lib')
  const pdf = await PDFDocument.create()
  pdf.setTitle(info.title)
  pdf.setCreator('vmascope')
  pdf.setProducer('vmascope (pdf-lib)')
  pdf.setSubject('VMA scenario, one step per page')
  for (const slide of slides) {
    const image = await pdf.embedPng(slide.png)
    const page = pdf.addPage([SLIDE_PAGE.width, SLIDE_PAGE.height])
    const scale = Math.min(SLIDE_PAGE.width / image.width, SLIDE_PAGE.height / image.height)
    const width = image.width * scale
    const height = image.height * scale
    page.drawImage(image, { x: (SLIDE_PAGE.width - width) / 2, y: (SLIDE_PAGE.height - height) / 2, width, height })
  }
  await pdf.attach(new TextEncoder().encode(info.scenarioJson), 'scenario.json', {
    mimeType: 'application/json',
    description: 'The vmascope scenario these slides show; open it in vmascope.',
  })
  return pdf.save()
}

/** The number of pages of a PDF (for tests and the export's own check). */
export async function pdfPageCount(bytes: Uint8Array): Promise<number> {
  const { PDFDocument } = await import('pdf-lib')
  const pdf = await PDFDocument.load(bytes)
  return pdf.getPageCount()
}
