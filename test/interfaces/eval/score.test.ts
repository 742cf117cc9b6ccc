import { describe, expect, it } from 'vitest'
import type { AnswerResponse, Citation } from '../../../src/answer/types.js'
import type { EvalItem } from '../../../src/interfaces/eval/dataset.js'
import { scoreItem } from '../../../src/interfaces/eval/score.js'

const SOURCE = '000_ef3de33d80b76fbe.txt'

function citation(n: number, text: string, source = SOURCE): Citation {
  return { n, id: `c${n}`, source, title: 't', park: '张家界高新区', text, score: 1 }
}

/** A response citing `cited` (by default passage 1 when found): which passages back an answer is data. */
function response(answer: string, found: boolean, texts: (string | [string, string])[], cited = found ? [1] : []): AnswerResponse {
  return { answer, found, mode: 'extractive', cited, citations: texts.map((t, i) => (Array.isArray(t) ? citation(i + 1, t[0], t[1]) : citation(i + 1, t))) }
}

const numeric: EvalItem = { id: 'n', question: '工业总产值？', answers: ['23.05亿元'], source: SOURCE, evidence: '完成工业总产值23.05亿元，增长4.26%', type: 'numeric' }

describe('scoreItem', () => {
  it('ranks the first citation holding the evidence, compared after NFKC without whitespace', () => {
    // Full-width digits and PDF spacing in the passage still hold the evidence.
    const r = response('完成工业总产值２３.０５ 亿元[2]', true, ['别的段落', '一年来，完成工业总产值 ２３.０５ 亿元，增长4.26％；'], [2])
    expect(scoreItem(numeric, r)).toEqual({ correct: true, hitRank: 2, citedEvidence: true })
  })

  it('counts a passage of the item source holding an answer string as a hit, but not one from another document', () => {
    const elsewhere = response('23.05亿元[1]', true, [['工业总产值23.05亿元', '001_836442671836972f.txt'], '前文……工业总产值23.05亿元'])
    expect(scoreItem(numeric, elsewhere)).toEqual({ correct: true, hitRank: 2, citedEvidence: false })
  })

  it('a refusal of an answerable item is wrong but still has a hit rank; an answer lacking the figure is wrong', () => {
    expect(scoreItem(numeric, response('文档中没有找到', false, ['完成工业总产值23.05亿元，增长4.26%']))).toEqual({ correct: false, hitRank: 1, citedEvidence: null })
    expect(scoreItem(numeric, response('完成工业总产值21.42亿元[1]', true, ['规模工业总产值21.42亿元']))).toEqual({ correct: false, hitRank: null, citedEvidence: false })
  })

  it('an unanswerable item is correct exactly when refused, and has no hit rank', () => {
    const item: EvalItem = { id: 'u', question: '2019年？', answers: [], source: SOURCE, type: 'unanswerable' }
    expect(scoreItem(item, response('没有', false, ['x']))).toEqual({ correct: true, hitRank: null, citedEvidence: null })
    expect(scoreItem(item, response('21亿元[1]', true, ['x'])).correct).toBe(false)
  })

  it('a list needs all but at most one of its answers; other kinds need any one', () => {
    const list: EvalItem = { id: 'l', question: '哪些产业链？', answers: ['生物医药', '绿色建材', '食品加工'], source: SOURCE, evidence: '加大培育生物医药（植物提取）、绿色建材、食品加工等产业链', type: 'list' }
    const passage = ['加大培育生物医药（植物提取）、绿色建材、食品加工等产业链']
    expect(scoreItem(list, response('生物医药、绿色建材[1]', true, passage)).correct).toBe(true)
    expect(scoreItem(list, response('生物医药[1]', true, passage)).correct).toBe(false)
    const cross: EvalItem = { id: 'x', question: '两个数？', answers: ['183亿元', '32.1亿元'], sources: ['001_836442671836972f.txt', SOURCE], evidence: ['签约项目总投资达 183 亿元', '招商引进项目3个，签约额32.1亿元'], type: 'cross_doc' }
    expect(scoreItem(cross, response('签约额32.1亿元[1]', true, ['招商引进项目3个，签约额32.1亿元'])).correct).toBe(true)
  })
})

describe('citation precision', () => {
  it('counts the passages the response cites (its `cited` data), not markers in the text', () => {
    const evidence = '完成工业总产值23.05亿元，增长4.26%'
    const texts = ['x', evidence, 'y']
    expect(scoreItem(numeric, response('23.05亿元[1]', true, texts, [2])).citedEvidence).toBe(true)
    // The text's marker says [2], the data says [1]: the data decides.
    expect(scoreItem(numeric, response('23.05亿元[2]', true, texts, [1])).citedEvidence).toBe(false)
    expect(scoreItem(numeric, response('没有', false, texts)).citedEvidence).toBe(null)
  })
})
