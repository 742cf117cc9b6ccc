import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAnswerer, REFUSAL, type Answerer } from '../../src/answer/answer.js'
import type { AnswerResponse } from '../../src/answer/types.js'
import { RequestError } from '../../src/errors.js'
import { evidenceOf, readDataset, squeeze, type EvalItem } from '../../src/interfaces/eval/dataset.js'
import { silentLogger } from '../../src/log.js'
import { ROOT, SEED, seedIndex } from '../helpers.js'

/** The extractive answerer on the real seed corpus, offline. Questions come from evals/*.jsonl. */

let answerer: Answerer
const items = new Map<string, EvalItem>()

beforeAll(async () => {
  answerer = createAnswerer({ index: await seedIndex(), logger: silentLogger })
  for (const file of ['smoke.jsonl', 'd000.jsonl', 'd001.jsonl', 'd002.jsonl', 'd003.jsonl', 'd004.jsonl', 'h000.jsonl', 'h002.jsonl', 'h004.jsonl']) {
    for (const line of await readDataset(path.join(ROOT, 'evals', file))) items.set(line.item!.id, line.item!)
  }
})

function markers(answer: string): number[] {
  return [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))
}

/** Every `[n]` points at a citation, and the text right before it is verbatim in that passage. */
function expectQuotesVerbatim(response: AnswerResponse): void {
  const parts = response.answer.replace(/^From the documents: /, '').split(/\[(\d+)\](?:；)?/)
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const quote = parts[i]!.replace(/^[^：]*：/, '')
    const citation = response.citations.find((c) => c.n === Number(parts[i + 1]))
    expect(citation, `marker [${parts[i + 1]}]`).toBeDefined()
    expect(citation!.text).toContain(quote)
  }
}

const ANSWERED = [
  // 000 张家界高新区
  'smoke-01', 'd000-02', 'd000-04', 'd000-06',
  // 001 张家界市
  'smoke-03', 'd001-04', 'd001-11',
  // 002 湘西高新区
  'smoke-05', 'd002-06', 'd002-07',
  // 003 怀化高新区
  'd003-01', 'd003-02', 'd003-07',
  // 004 常德市 / 常德高新区 / 常德经开区
  'smoke-09', 'smoke-11', 'smoke-14', 'd004-15', 'smoke-13',
  // Reading rules, one item each: money asked ("总额", "贷到了多少钱") wants an amount, not a
  // count of firms; a bare "2月4日" is dated by its passage's year, not the paper's; 比重 is a
  // percentage; a count may come before its measure ("180家规上企业"); a near word holds
  // (标准厂房 ~ 标准化厂房); a rare preposition (为了) need not be in the passage.
  'd000-05', 'd003-03', 'd000-10', 'd004-02', 'h004-14', 'h004-08', 'h002-05',
]

describe('answer() on the seed corpus (extractive, offline)', () => {
  it.each(ANSWERED)('%s: answers with the figure and cites the passage holding the evidence', async (id) => {
    const item = items.get(id)!
    const response = await answerer.answer({ question: item.question })
    expect(response.found).toBe(true)
    expect(response.mode).toBe('extractive')
    const answer = squeeze(response.answer)
    const hits = item.answers.filter((a) => answer.includes(squeeze(a))).length
    expect(item.type === 'list' ? hits >= item.answers.length - 1 : hits > 0, response.answer).toBe(true)
    const cited = markers(response.answer).map((n) => response.citations[n - 1]!)
    expect(cited.some((c) => evidenceOf(item).some((e) => squeeze(c.text).includes(squeeze(e)))), response.answer).toBe(true)
    expectQuotesVerbatim(response)
  })

  it('covers all five documents', () => {
    expect(new Set(ANSWERED.map((id) => items.get(id)!.source)).size).toBe(Object.keys(SEED).length)
  })

  const NEAR_MISSES = ['d000-14', 'd000-15', 'd001-14', 'd002-14', 'd003-14', 'd004-14', 'd004-21']
  it.each(NEAR_MISSES)('%s: refuses a near miss (wrong year, period or measure) and still cites the closest passages', async (id) => {
    const item = items.get(id)!
    expect(item.answers).toEqual([])
    const response = await answerer.answer({ question: item.question })
    expect(response.found, response.answer).toBe(false)
    expect(response.answer).toBe(REFUSAL.zh)
    expect(response.citations.length).toBe(5)
  })

  it('refuses a figure for a park the documents never name instead of quoting another park', async () => {
    for (const question of ['长沙高新区2020年工业总产值是多少？', 'What was the industrial output value of Changsha High-tech Zone in 2020?']) {
      const response = await answerer.answer({ question })
      expect(response.found, response.answer).toBe(false)
      expect(response.citations.length).toBe(5)
    }
    // Named next to a park the documents know, the known one is still answered.
    const both = await answerer.answer({ question: '张家界高新区和长沙高新区2020年工业总产值分别是多少？' })
    expect(both.answer).toContain('23.05亿元')
  })

  it('leads a figure with park and measure: 张家界高新区…完成工业总产值23.05亿元，增长4.26%[1]', async () => {
    const response = await answerer.answer({ question: '张家界高新区2020年工业总产值是多少？' })
    expect(response.answer).toBe('张家界高新区：完成工业总产值23.05亿元，增长4.26%[1]')
    expect(response.citations.map((c) => c.n)).toEqual([1, 2, 3, 4, 5])
    expect(response.citations[0]).toMatchObject({ source: SEED.zhangjiajiePark, park: '张家界高新区' })
  })

  it('tells 工业总产值 from 规模工业总产值', async () => {
    const response = await answerer.answer({ question: '张家界高新区2020年规模工业总产值是多少？' })
    expect(response.answer).toContain('21.42亿元')
    expect(response.answer).not.toContain('23.05')
  })

  it('answers English questions through the glossary and refuses in English', async () => {
    const answered = await answerer.answer({ question: 'What was the industrial output value of Zhangjiajie High-tech Zone in 2020?' })
    expect(answered.found).toBe(true)
    expect(answered.answer).toContain('23.05亿元')
    expectQuotesVerbatim(answered)
    const refused = await answerer.answer({ question: 'What was the industrial output value of Zhangjiajie High-tech Zone in 2017?' })
    expect(refused).toMatchObject({ found: false, answer: REFUSAL.en })
  })

  it('understands short forms (固投, 高企)', async () => {
    const invest = await answerer.answer({ question: '张家界高新区2020年固投多少' })
    expect(invest.answer).toContain('19.27亿元')
    const firms = await answerer.answer({ question: '常德高新区2019年新增高企多少家' })
    expect(firms.answer).toContain('19家')
  })

  it('park filter: only that park’s passages; unknown park is a typed error listing the known ones', async () => {
    const response = await answerer.answer({ question: '新增了多少家高新技术企业？', park: 'Changde High-tech Zone', k: 8 })
    expect(response.citations).toHaveLength(8)
    expect(response.citations.every((c) => c.park === '常德高新区')).toBe(true)
    const error = await answerer.answer({ question: '工业总产值', park: '长沙高新区' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RequestError)
    expect(error).toMatchObject({ code: 'unknown_park' })
    expect((error as Error).message).toContain('怀化高新区')
  })

  it('prefers the park a question names', async () => {
    const response = await answerer.answer({ question: '怀化高新区的专精特新小巨人企业有几家？' })
    expect(response.citations[0]!.park).toBe('怀化高新区')
    expect(response.answer).toContain('14家')
  })

  it('follow-ups inherit the park and topic from history', async () => {
    const history = [{ role: 'user' as const, content: '张家界高新区2020年工业总产值是多少？' }, { role: 'assistant' as const, content: '23.05亿元[1]' }]
    const year = await answerer.answer({ question: '那2019年呢？', history })
    expect(year.found).toBe(false)
    const topic = await answerer.answer({ question: '它的固定资产投资呢？', history })
    expect(topic.found).toBe(true)
    expect(topic.answer).toContain('19.27亿元')
    const park = await answerer.answer({ question: '那常德高新区呢？', history: [{ role: 'user', content: '湘西高新区2022年GDP有多少？' }] })
    expect(park.citations[0]!.park).toBe('常德高新区')
  })

  it('rejects bad requests with a typed error', async () => {
    for (const bad of [{ question: '  ' }, { question: '问', k: 0 }, { question: '问', k: 21 }, { question: '问', k: 2.5 }]) {
      await expect(answerer.answer(bad)).rejects.toMatchObject({ code: 'invalid_request' })
    }
  })

  it('stream() yields the answer then the same final response', async () => {
    const events = []
    for await (const event of answerer.stream({ question: '常德经开区2020年上半年一共引进了多少个项目？' })) events.push(event)
    expect(events[0]).toMatchObject({ type: 'token' })
    const done = events.at(-1)!
    expect(done.type).toBe('done')
    if (done.type === 'done') expect(done.response.answer).toContain('47个')
  })
})
