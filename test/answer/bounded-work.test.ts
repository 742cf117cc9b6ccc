import fs from 'node:fs/promises'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { worstRequests } from '../../bench/worst.js'
import { createAnswerer, type Answerer } from '../../src/answer/answer.js'
import { MAX_QUESTION_CHARS } from '../../src/answer/request.js'
import type { AnswerRequest } from '../../src/answer/types.js'
import { readDataset } from '../../src/interfaces/eval/dataset.js'
import { silentLogger } from '../../src/log.js'
import { work, workSnapshot, type WorkCounts } from '../../src/text/work.js'
import { ROOT, SEED_CORPUS, seedIndex } from '../helpers.js'

/**
 * Issue 18's first finding: a valid question of 2,000 distinct characters, or a follow-up whose
 * history holds such text, cost hundreds of times a normal question, synchronously. The bound is
 * asserted on the work counters (wall time on this machine is noise): whatever a request holds,
 * it looks for at most a small multiple of a normal question's terms in passage text.
 */

let answerer: Answerer
let normalQuestions: string[]
let corpusText: string

beforeAll(async () => {
  answerer = createAnswerer({ index: await seedIndex(), logger: silentLogger })
  normalQuestions = (await readDataset(path.join(ROOT, 'evals', 'd000.jsonl'))).map((line) => line.item!.question)
  const files = (await fs.readdir(SEED_CORPUS)).filter((f) => f.endsWith('.txt'))
  corpusText = (await Promise.all(files.map((f) => fs.readFile(path.join(SEED_CORPUS, f), 'utf8')))).join('')
})

async function workOf(request: AnswerRequest): Promise<WorkCounts> {
  const before = workSnapshot()
  await answerer.answer(request)
  return { analysedChars: work.analysedChars - before.analysedChars, termChecks: work.termChecks - before.termChecks, postingsRead: work.postingsRead - before.postingsRead }
}

describe('work per question is bounded whatever the question holds', () => {
  for (const k of [5, 20]) {
    it(`looks for at most 10× a normal question's terms in passages, k ${k}`, async () => {
      let normal = 0
      for (const question of normalQuestions) normal += (await workOf({ question, k })).termChecks
      normal /= normalQuestions.length
      expect(normal).toBeGreaterThan(0)
      for (const [name, request] of Object.entries(worstRequests(corpusText))) {
        const { termChecks, analysedChars } = await workOf(request(k))
        expect(termChecks / normal, name).toBeLessThanOrEqual(10)
        // The question and the turns it is read against: a few questions' worth, not the history's whole text.
        expect(analysedChars, name).toBeLessThanOrEqual(10 * MAX_QUESTION_CHARS)
      }
    })
  }
})
