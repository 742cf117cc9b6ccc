/**
 * Remembers a pure function of a string. Answering one question looks at the same sentences many
 * times (every window of a passage re-reads the sentences before it), and the same passages come
 * back question after question. Bounded: when full, it starts afresh rather than grow.
 */
export function memoizeByText<T>(compute: (text: string) => T, limit = 20_000): (text: string) => T {
  let seen = new Map<string, T>()
  return (text: string) => {
    let value = seen.get(text)
    if (value === undefined && !seen.has(text)) {
      if (seen.size >= limit) seen = new Map()
      value = compute(text)
      seen.set(text, value)
    }
    return value as T
  }
}
