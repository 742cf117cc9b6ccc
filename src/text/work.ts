/**
 * Counts of the work per question that grows with its input: question text analysed, and
 * question terms looked for in a text. Tests and the benchmark bound them (issue 18): a request
 * must cost at most a small multiple of a normal one whatever it holds. Counting is a few
 * additions a question; nothing reads the counts on the answer path.
 */
export const work = {
  /** Characters of question text analysed (the question and the history it is read against). */
  analysedChars: 0,
  /** One question term (with its synonyms) looked for in one text. */
  termChecks: 0,
  /** BM25 postings read: walked in full, or looked up for the passages that can still make the k best. */
  postingsRead: 0,
}

export type WorkCounts = typeof work

export function workSnapshot(): WorkCounts {
  return { ...work }
}
