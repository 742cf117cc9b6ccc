// @ts-check
/*
 * Where a passage holds what an answer quotes of it. Plain JavaScript with no imports, because the
 * same module runs in two places: the Telegram bot (through its TypeScript importers) and the web
 * page, whose browser loads this very file (served by src/interfaces/web) — one rule for what is
 * shown in bold in a chat and highlighted on the page.
 */

/** Shorter common runs of answer and passage are chance ("园区", "亿元"), not a quote. */
const MIN_QUOTE_CHARS = 4
/** Quoted runs looked for per passage: an answer stitches at most a few clauses of one passage. */
const MAX_QUOTES = 6

const MARKER_RUN = /(?:\[\d+\])+/g
const MARKER = /\[(\d+)\]/g

/**
 * The answer's text attributed to passage `n`: what stands before each of its markers, back to the
 * previous marker or the start of the sentence.
 * @param {string} answer
 * @param {number} n
 * @returns {string}
 */
export function attributedText(answer, n) {
  /** @type {string[]} */
  const pieces = []
  let from = 0
  for (const match of answer.matchAll(MARKER_RUN)) {
    const run = match[0]
    if ([...run.matchAll(MARKER)].some((m) => Number(m[1]) === n)) {
      const before = answer.slice(from, match.index)
      const sentence = before.split(/[。！？!?\n]/).at(-1) ?? before
      pieces.push(sentence.trim() === '' ? before : sentence)
    }
    from = match.index + run.length
  }
  return pieces.join('\n')
}

/**
 * The longest run `text` and `passage` share, as [start, end) in `passage` and its start in `text`.
 * @param {string} text
 * @param {string} passage
 * @returns {{ start: number, end: number, at: number } | undefined}
 */
function longestCommon(text, passage) {
  /** @type {{ start: number, end: number, at: number } | undefined} */
  let best
  let previous = new Uint16Array(passage.length + 1)
  let current = new Uint16Array(passage.length + 1)
  for (let i = 1; i <= text.length; i++) {
    const char = text.charCodeAt(i - 1)
    for (let j = 1; j <= passage.length; j++) {
      // A NUL marks a part of the text already matched: nothing runs across it.
      const run = char !== 0 && char === passage.charCodeAt(j - 1) ? /** @type {number} */ (previous[j - 1]) + 1 : 0
      current[j] = run
      if (run > (best ? best.end - best.start : 0)) best = { start: j - run, end: j, at: i - run }
    }
    ;[previous, current] = [current, previous]
  }
  return best
}

/**
 * Where the passage holds what the answer quotes: the longest runs (≥ 4 characters) the
 * attributed text and the passage share, in passage order, overlaps merged.
 * @param {string} attributed
 * @param {string} passage
 * @returns {Array<[number, number]>}
 */
export function quotedRanges(attributed, passage) {
  let text = attributed
  /** @type {Array<[number, number]>} */
  const ranges = []
  for (let i = 0; i < MAX_QUOTES; i++) {
    const common = longestCommon(text, passage)
    if (!common || common.end - common.start < MIN_QUOTE_CHARS) break
    ranges.push([common.start, common.end])
    text = text.slice(0, common.at) + '\u0000' + text.slice(common.at + (common.end - common.start))
  }
  ranges.sort((a, b) => a[0] - b[0])
  /** @type {Array<[number, number]>} */
  const merged = []
  for (const range of ranges) {
    const last = merged.at(-1)
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1])
    else merged.push([range[0], range[1]])
  }
  return merged
}
