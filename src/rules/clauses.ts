import { z } from 'zod'
import { memoizeByText } from '../text/memo.js'
import { alternation, readTable, table, wordList } from '../text/table.js'
import { words } from '../text/tokenize.js'
import { places } from './places.js'

/** `clauses.json`: the words that make a clause fit a reason or list question, or complete a figure. */

const clausesSchema = table({
  reasonCues: wordList(),
  backReferences: wordList(),
  introductions: wordList(),
  aimedAt: wordList(),
  events: z.array(wordList()),
  figureAnaphors: wordList(),
  eachPark: wordList(),
  tallies: z.strictObject({ stock: wordList(), additions: wordList() }),
  contrasts: z.array(z.tuple([z.string().min(1), z.string().min(1)])),
  phases: wordList(),
  levels: wordList(),
  listJoiners: wordList(),
  growth: z.strictObject({ comparisons: wordList(), changes: wordList() }),
  shares: z.strictObject({ of: wordList(), words: wordList(), asks: wordList() }),
  plans: wordList(),
  planQuestions: wordList(),
  doneQuestions: wordList(),
  continuations: wordList(),
  anaphors: wordList(),
  anaphorOpenings: wordList(),
  companies: z.strictObject({ suffixes: wordList(), asks: wordList(), oneOf: wordList() }),
  industryWords: wordList(),
  industryCompounds: wordList(),
  personTitles: wordList(),
  personNames: wordList(),
  entities: z.array(z.strictObject({ asks: wordList(), holds: wordList().optional(), namedBefore: wordList().optional(), person: z.literal(true).optional() }).refine((e) => (e.holds === undefined) !== (e.person === undefined), 'needs holds or person, not both')),
})

export interface ClauseCues {
  /** A share's base (占园区规模工业总产值的比重, 占全市的27.6%; global): what a figure is part of, not what it measures. */
  shareBase: RegExp
  /** A question that asks for a share (占比, 比重): its base is what it asks about. */
  asksShare: RegExp
  /** A clause telling how or why (实施, 通过 …). */
  reason: RegExp
  /** Does a quote say the opposite of a word the question names (外资 for 内资), and not that word? */
  contradicts(question: string, quote: string): boolean
  /** `contradicts` for one question, its pairs picked once: the same question checks every window. */
  contrastsAsked(question: string): (quote: string) => boolean
  /** The phases of a project a text names (一期, 二期 …), in order. */
  phasesIn(text: string): string[]
  /** The levels a text names (国家级, 省级 …). */
  levelsIn(text: string): string[]
  /** Which tally a text speaks of: all there are (总数, 共有) or the new ones (新增), when it says. */
  tallyOf(text: string): 'stock' | 'additions' | undefined
  /** A sentence that opens by pointing back at the one before (为此，…): that one is its problem. */
  pointsBack: RegExp
  /**
   * A text without the companies it mentions unnamed (深圳一家新能源企业) and those the question names
   * itself (琼湖船舶 in 和琼湖船舶一起投资…的企业叫什么): neither is the company asked for.
   */
  withoutKnownCompanies(question: string, text: string): string
  /** The brands of the companies a text names with their suffix (湖南鸿远电子科技有限公司 → 鸿远). */
  brandsIn(text: string): string[]
  /** Does a text open with a company's name and suffix (泰禾食品有限公司… after 湘阴县: the place is the name's first word)? */
  opensWithCompanyName(text: string): boolean
  /** A figure said of the measure named before it (这一数字只有28家). */
  figureAnaphor: RegExp
  /** The event a date question asks the date of (投产 of 一期是几月份投产的), with its synonyms. */
  eventAsked(question: string): readonly string[] | undefined
  /** Does a text name any event a date may be asked of (签约, 开工 …)? */
  namesEvent(text: string): boolean
  /** A sentence opening with the problem it answers (针对融资难，…): group 1 is the problem. */
  aimedAt: RegExp
  /** A question about every park without naming one (两个园区…分别是多少). */
  asksEachPark: RegExp
  /** A sentence that says the measures follow (项目快落地的背后，是…): the next sentence tells them. */
  introduces: RegExp
  /** A clause listing things (、, 和, 及). */
  list: RegExp
  /** The same, global: where each joiner is. */
  listJoiner: RegExp
  /** A clause that completes the figure before it: (同比)增长5.2%. */
  growth: RegExp
  /** A change (增长, 下降 …) anywhere in a text: a question naming one asks for a rate or a difference. */
  change: RegExp
  /** A figure right after a change (净增456.1亿元, 增长8%). */
  changedFigure: RegExp
  /** A sentence that opens by pointing back at a company (这家成立于2015年的企业…, 该公司…): the sentence before names it. */
  opensWithAnaphor: RegExp
  /** A text without the words that point back at a company instead of naming it (这家企业, 公司总经理). */
  withoutAnaphors(text: string): string
  /** Is a figure whose clause is `lead` a company's that `question` does not ask about? */
  othersCompany(question: string, lead: string): boolean
  /** An industry named in a text (global): group 1 is its name, before 产业/产业链/行业. */
  industry: RegExp
  /** A comparison with another year (同比, 比上年 …; global): it dates nothing itself. */
  comparison: RegExp
  /** A plan or target (力争, 目标 …), not a result. */
  plan: RegExp
  /** A question that asks about plans. */
  asksPlan: RegExp
  /** A question that asks what was done (今年新建了几座): a plan does not answer it. */
  asksDone: RegExp
  /** Words that carry a clause on to the figure of the clause before (，达到1018.6亿元). */
  continuations: readonly string[]
  /**
   * Person names in a text: two or three characters right after a title (董事长刘一鸣); with a
   * question that names a title, only after that title and not its deputy's (副书记).
   */
  personsIn(text: string, question?: string): string[]
  /** What a clause must name to answer a which/who question (undefined: the question asks no such thing). */
  entityTarget(question: string): { holds: RegExp; namedBefore?: RegExp } | { person: true } | undefined
}

/** How far into a text a company's name and suffix may reach (泰禾食品有限公司). */
const COMPANY_NAME_CHARS = 16

export function loadClauseCues(file: URL = new URL('./clauses.json', import.meta.url)): ClauseCues {
  const data = readTable(file, clausesSchema)
  const person = new RegExp(`(?:${alternation(data.personTitles)})([\\u4e00-\\u9fff]{2,3})`, 'g')
  // Compiled once: a which/who question must not pay for building its pattern.
  // 北辰化工年产30万吨…: the name before namedBefore, from a phrase's start or after 的.
  const namedBefore = (words: readonly string[]) => new RegExp(`(?:^|[的，,。；;：:、“”\\s])[\\u4e00-\\u9fff]{2,8}(?:${alternation(words)})(?!值)`)
  const entities = data.entities.map((e) => ({
    asks: e.asks,
    target: e.holds ? { holds: new RegExp(alternation(e.holds)), ...(e.namedBefore ? { namedBefore: namedBefore(e.namedBefore) } : {}) } : ({ person: true } as const),
  }))
  /**
   * A question naming a title (市委书记是谁) asks for the holder of that title, not its deputy's
   * (市委副书记、市长刘革安): the name follows the title, or the title and one more of a list.
   * Built once per question: every window of its passages is read with it.
   */
  const holderOf = memoizeByText((question: string): RegExp => {
    const asked = data.personTitles.filter((title) => question.includes(title) && !question.includes(`副${title}`))
    if (asked.length === 0) return person
    return new RegExp(`(?<!副)(?:${alternation(asked)})(?:、[^，,。；;、]{1,8}?(?:${alternation(data.personTitles)}))?([\\u4e00-\\u9fff]{2,3})`, 'g')
  }, 1_000)
  const anaphor = new RegExp(`${alternation(data.anaphors)}|^\\s*(?:公司|企业)`, 'g')
  const phase = new RegExp(alternation(data.phases), 'g')
  const companySuffix = new RegExp(alternation(data.companies.suffixes))
  // 一家新材料企业: one company, left unnamed.
  const unnamedCompany = `(?:${alternation(data.companies.oneOf)})[^，,。；;\\d]{0,8}?(?:企业|公司)`
  const unnamedCompanies = new RegExp(unnamedCompany, 'g')
  const NOT_IN_COMPANY_NAME = /企业|龙头|的|是|、|由|和|与|及|\s/
  const companyNames = new RegExp(`([\\u4e00-\\u9fff]{2,12}?)(?:${alternation(data.companies.suffixes)})`, 'g')
  const oneCompany = new RegExp(unnamedCompany)
  // The brand is the word after the places the name opens with (由湖南琼湖船舶重工 → 琼湖), the
  // name starting after the last word that is no part of it (该项目由湖南铜冠精密材料 → 铜冠).
  const brandOf = (name: string) => {
    const parts = words(name.split(NOT_IN_COMPANY_NAME).at(-1)!)
    if (parts.length === 0) return ''
    let at = 0
    while (at < parts.length - 1 && (places.endingAt(parts[at]!)?.surface === parts[at] || parts[at]!.length === 1)) at++
    return parts[at]!.slice(0, 2)
  }
  const companyAhead = new RegExp(`^[\\u4e00-\\u9fff]{2,12}?(?:${alternation(data.companies.suffixes)})`)
  // Compiled once: every figure of every quote is read for its tally, question after question.
  const tallyWord = (word: string) => (/^[a-z]/.test(word) ? new RegExp(`\\b${word}\\b`) : { test: (text: string) => text.includes(word) })
  const tallyWords = { additions: data.tallies.additions.map(tallyWord), stock: data.tallies.stock.map(tallyWord) }
  const askedPerson = new RegExp(`(?:${alternation(data.personTitles)}).{0,2}(?:${alternation(data.personNames)})`)
  const contrastsAsked = (question: string) => {
    // [the word the question names, its opposite], for the pairs the question names one side of.
    const asked = data.contrasts.flatMap((pair) => pair.flatMap((word, i) => (question.includes(word) && !question.includes(pair[1 - i]!) ? [[word, pair[1 - i]!] as const] : [])))
    return (quote: string) => asked.some(([word, opposite]) => quote.includes(opposite) && !quote.includes(word))
  }
  return {
    shareBase: new RegExp(`(?:${alternation(data.shares.of)})[^，,。；;\\d]{1,20}?(?:的?(?:${alternation(data.shares.words)})|(?=的?\\s*\\d))`, 'g'),
    asksShare: new RegExp(alternation([...data.shares.of, ...data.shares.words, ...data.shares.asks]), 'i'),
    reason: new RegExp(alternation(data.reasonCues)),
    contradicts: (question, quote) => contrastsAsked(question)(quote),
    contrastsAsked,
    phasesIn: (text) => [...text.matchAll(phase)].map((m) => m[0]),
    levelsIn: (text) => data.levels.filter((level) => text.includes(level)),
    tallyOf: (text) => {
      const lower = text.toLowerCase()
      if (tallyWords.additions.some((word) => word.test(lower))) return 'additions'
      return tallyWords.stock.some((word) => word.test(lower)) ? 'stock' : undefined
    },
    pointsBack: new RegExp(`^\\s*(?:${alternation(data.backReferences)})`),
    introduces: new RegExp(alternation(data.introductions)),
    asksEachPark: new RegExp(alternation(data.eachPark), 'i'),
    namesEvent: (text) => data.events.some((group) => group.some((word) => text.includes(word))),
    eventAsked: (question) => {
      const asked = data.events.filter((group) => group.some((word) => question.includes(word)))
      return asked.length === 1 ? asked[0] : undefined
    },
    aimedAt: new RegExp(`^\\s*(?:${alternation(data.aimedAt)})([^，,。；;]{2,12})[，,]`),
    figureAnaphor: new RegExp(alternation(data.figureAnaphors)),
    opensWithCompanyName: (text) => companyAhead.test(text.slice(0, COMPANY_NAME_CHARS)),
    withoutKnownCompanies: (question, text) =>
      text.replace(unnamedCompanies, ' ').replace(companyNames, (whole, name: string) => {
        const brand = brandOf(name)
        return brand.length === 2 && question.includes(brand) ? ' ' : whole
      }),
    // Memoized: the same passages come back question after question.
    brandsIn: memoizeByText((text) => [...new Set([...text.matchAll(companyNames)].map((m) => brandOf(m[1]!)).filter((brand) => brand.length === 2))]),
    list: new RegExp(alternation(data.listJoiners)),
    listJoiner: new RegExp(alternation(data.listJoiners), 'g'),
    growth: new RegExp(`^\\s*(?:${alternation(data.growth.comparisons)})?\\s*(?:${alternation(data.growth.changes)})`),
    comparison: new RegExp(alternation(data.growth.comparisons), 'g'),
    change: new RegExp(alternation(data.growth.changes)),
    withoutAnaphors: (text) => text.replace(anaphor, ' '),
    opensWithAnaphor: new RegExp(`^[\\s“”"]*(?:${alternation(data.anaphorOpenings)})`),
    othersCompany: (question, lead) => {
      const lower = question.toLowerCase()
      if (data.companies.asks.some((word) => lower.includes(word))) return false
      // The figure's own phrase, or its sentence's first, the subject (…的湖南拓维精工机械有限公司高端齿轮箱项目于去年9月竣工投产，当年即实现产值4.3亿元).
      const phrases = lead.split(/[；;。]/).at(-1)!.split(/[，,]/)
      return [phrases.at(-1)!, phrases[0]!].some((part) => {
        // 一家新材料企业负责人告诉记者，…获得了3000万元贷款: one company, unnamed, is still not the park.
        if (oneCompany.test(part)) return true
        const at = companySuffix.exec(part)?.index
        // 公司总经理…告诉记者 points back at the company just named, as 这家企业 does: it names none.
        if (at === undefined || part.slice(0, at).replace(/[\s“”"’）)]/g, '') === '') return false
        // The company's name runs back from its suffix to a word that is no part of it (龙头企业奇瑞汽车…);
        // a question that names it (its first two characters, the brand) asks about it.
        const name = part.slice(0, at).split(/企业|龙头|的|是|、|\s/).at(-1)!
        // Its brand may follow a place (湖南欧泰新材料有限公司 is 欧泰新材料).
        const brand = [3, 2].map((n) => name.slice(0, n)).find((head) => places.endingAt(head)?.surface === head) ?? ''
        const rest = name.slice(brand.length)
        return rest.length < 2 || ![name, rest].some((form) => question.includes(form.slice(0, 2)))
      })
    },
    changedFigure: new RegExp(`(?:${alternation(data.growth.changes)})[^，,。；;\\d]{0,4}\\d`),
    industry: new RegExp(`([\\u4e00-\\u9fffA-Za-z]{2,10})(?:${alternation(data.industryWords)})(?!${alternation(data.industryCompounds)})`, 'g'),
    plan: new RegExp(alternation(data.plans)),
    asksPlan: new RegExp(alternation(data.planQuestions)),
    asksDone: new RegExp(alternation(data.doneQuestions)),
    continuations: data.continuations,
    personsIn: (text, question) => {
      const holder = question === undefined ? person : holderOf(question)
      return [...text.matchAll(holder)].map((m) => m[1]!)
    },
    entityTarget: (question) => {
      if (askedPerson.test(question)) return { person: true }
      return entities.find((e) => e.asks.some((word) => question.includes(word)))?.target
    },
  }
}

export const clauseCues = loadClauseCues()
