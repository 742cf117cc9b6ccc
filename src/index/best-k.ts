/** The k best of scored items (passages by index), kept while they are offered one at a time. */

/** Better first: higher score, then the lower passage id. */
const better = (scores: Float64Array, x: number, y: number) => scores[x]! > scores[y]! || (scores[x] === scores[y] && x < y)

/** A bounded heap of passage ids with the worst of the best at its root. */
export class BestK {
  readonly heap: number[] = []
  constructor(
    private readonly k: number,
    private readonly scores: Float64Array,
  ) {}

  /** The score a passage must beat to enter (0 until there are k). */
  get floor(): number {
    return this.heap.length < this.k ? 0 : this.scores[this.heap[0]!]!
  }

  offer(d: number): void {
    const { heap, scores } = this
    if (heap.length === this.k) {
      if (!better(scores, d, heap[0]!)) return
      heap[0] = d
      for (let at = 0; ; ) {
        const left = 2 * at + 1
        const right = left + 1
        let worst = at
        if (left < heap.length && better(scores, heap[worst]!, heap[left]!)) worst = left
        if (right < heap.length && better(scores, heap[worst]!, heap[right]!)) worst = right
        if (worst === at) return
        ;[heap[at], heap[worst]] = [heap[worst]!, heap[at]!]
        at = worst
      }
    }
    heap.push(d)
    for (let at = heap.length - 1; at > 0; ) {
      const parent = (at - 1) >> 1
      if (!better(scores, heap[parent]!, heap[at]!)) return
      ;[heap[at], heap[parent]] = [heap[parent]!, heap[at]!]
      at = parent
    }
  }

  /** Best first. */
  hits(): Array<{ index: number; score: number }> {
    return [...this.heap].sort((x, y) => (better(this.scores, x, y) ? -1 : 1)).map((index) => ({ index, score: this.scores[index]! }))
  }
}
