/**
 * Which page of a PDF a passage starts on. Cleaning rewrites the text (spaces go, broken lines
 * are joined, a running header is dropped, a caption moves after the sentence it cut), so offsets
 * into the cleaned text say nothing about pages; the passage's opening characters, whitespace
 * aside, are found again in the loader's text, whose page starts are known.
 */

/** Opening lengths tried, longest first: a short one may also occur earlier in the document. */
const PROBES = [24, 12, 6]
/**
 * Passages come in document order, so a passage is looked for from where the previous one starts
 * (an overlap sentence starts there too); failing that a little before it, then anywhere.
 */
const LOOK_BEHIND = 400

/** `pageStarts[i]` is where page i + 1 starts in `raw`; returns each passage's page (1-based) or undefined. */
export function passagePages(raw: string, pageStarts: readonly number[], passages: ReadonlyArray<{ text: string }>): Array<number | undefined> {
  // The raw text without whitespace, and for each of its characters the page it is on.
  let squeezed = ''
  const pageAt: number[] = []
  let page = 0
  for (let i = 0; i < raw.length; i++) {
    while (page < pageStarts.length && pageStarts[page]! <= i) page++
    if (/\s/.test(raw[i]!)) continue
    squeezed += raw[i]
    pageAt.push(Math.max(page, 1))
  }
  let last = 0
  return passages.map(({ text }) => {
    const key = text.replace(/\s+/g, '')
    for (const length of PROBES) {
      if (key.length < length && length !== PROBES[PROBES.length - 1]) continue
      const probe = key.slice(0, length)
      let at = squeezed.indexOf(probe, last)
      if (at < 0) at = squeezed.indexOf(probe, Math.max(0, last - LOOK_BEHIND))
      if (at < 0) at = squeezed.indexOf(probe)
      if (at >= 0) {
        last = at
        return pageAt[at]
      }
    }
    return undefined
  })
}
