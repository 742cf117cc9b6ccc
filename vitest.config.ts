import { defineConfig } from 'vitest/config'

// Vitest 5's reporter calls Map.groupBy (Node ≥ 21) when it prints failures; on Node 20 the
// report itself crashes and hides which test failed. The config runs in the reporter's process.
if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.defineProperty(Map, 'groupBy', {
    configurable: true,
    writable: true,
    value<K, T>(items: Iterable<T>, key: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>()
      let index = 0
      for (const item of items) {
        const k = key(item, index++)
        const group = groups.get(k)
        if (group) group.push(item)
        else groups.set(k, [item])
      }
      return groups
    },
  })
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the seed index once for every test file, and removes the run's temporary directories.
    globalSetup: ['test/global-setup.ts'],
    // No test file needs a fresh module graph (none mocks modules; the one that replaces fetch puts
    // it back), and sharing one per worker spares every file re-importing LangChain and hnswlib and
    // reloading jieba's dictionary: the CPU time of a run fell from about 100 s to about 62 s on
    // the 2-core VM.
    isolate: false,
    // Vitest's default is a worker fewer than there are cores: one, on 2 cores. Much of a run is
    // waiting (child processes starting, LLM deadlines, Telegram's pacing), which a second worker
    // fills with another file's work: 91 s with one worker, 41–66 s with two, in one session.
    maxWorkers: '100%',
    // Generous: several tests spawn the real CLIs, which start slowly on a loaded 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
