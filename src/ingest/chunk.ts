import { cleanText, type Block, type CleanedDocument } from './clean.js'
import type { SourceDocument } from './corpus.js'
import { publicationYear } from './derive.js'
import { passagePages } from './pages.js'
import { mostMentionedPark, type CorpusMetadata, type DocumentMeta } from './metadata.js'
import { CorpusError } from '../errors.js'
import { places } from '../rules/places.js'
import { CLAUSE, fullSentenceStart, SENTENCE, spans } from '../text/sentences.js'

/**
 * A passage: what ingest cuts, the index stores, retrieval ranks and an answer cites — one type
 * from the chunker to the response (`Citation` is its public view).
 */
export interface Passage {
  /** Document content hash prefix + ordinal: the same text always gets the same id. */
  id: string
  source: string
  title: string
  park: string
  section: string
  /** Publication year of its document (from the metadata): what 今年/去年 in the text mean. */
  documentYear?: string
  /** The page of a PDF the passage starts on (1-based); absent for formats without pages. */
  page?: number
  /**
   * The start of the sentence the passage begins inside, when a chunk boundary cut one (今年1-10月，
   * 园区实现…；｜完成固定资产投资53.8亿元): its time and subject date and own the passage's first clauses.
   */
  opening?: string
  /** Offsets in the cleaned document: `text === cleaned.slice(start, end)`. */
  start: number
  end: number
  text: string
}

/** The longest passage, in characters; sentences are packed up to it (typically 150–400). */
export const MAX_CHUNK_CHARS = 400

/** Bump when cleaning or chunking changes, so that an incremental ingest re-chunks everything. */
export const CHUNKER_VERSION = 22

interface Article {
  title: string
  park?: string
  blocks: Block[]
}

interface Unit {
  start: number
  end: number
  block: Block
}


/** Sentences of a block; a sentence longer than `max` is cut at clause ends, then hard. */
function sentenceUnits(block: Block, max: number): Unit[] {
  const units: Unit[] = []
  for (const sentence of spans(block.text, SENTENCE, block.start)) {
    if (sentence.end - sentence.start <= max) {
      units.push({ ...sentence, block })
      continue
    }
    let current: Unit | undefined
    const text = block.text.slice(sentence.start - block.start, sentence.end - block.start)
    for (const clause of spans(text, CLAUSE, sentence.start)) {
      for (let s = clause.start; s < clause.end; s += max) {
        const part = { start: s, end: Math.min(s + max, clause.end), block }
        if (current && part.end - current.start <= max) current.end = part.end
        else {
          if (current) units.push(current)
          current = part
        }
      }
    }
    if (current) units.push(current)
  }
  return units
}

/** Where an article starts; an anchor copied from the raw file may carry its odd spaces. */
function findAnchor(cleaned: CleanedDocument, anchor: string): number {
  const at = cleaned.text.indexOf(anchor)
  return at >= 0 ? at : cleaned.text.indexOf(anchor.replace(/\s+/g, ''))
}

function splitArticles(doc: SourceDocument, cleaned: CleanedDocument, meta: DocumentMeta | undefined): Article[] {
  if (meta?.articles?.length) {
    const starts = meta.articles.map((article) => {
      const at = findAnchor(cleaned, article.start)
      if (at < 0) {
        throw new CorpusError('metadata_invalid', `documents.json: article "${article.title}" of ${doc.source} starts with "${article.start}", which is not in the cleaned text`, doc.source)
      }
      return { article, at }
    })
    starts.sort((a, b) => a.at - b.at)
    return starts.map(({ article, at }, i) => {
      const next = starts[i + 1]?.at ?? Infinity
      const first = i === 0 ? -Infinity : at
      return { title: article.title, park: article.park, blocks: cleaned.blocks.filter((b) => b.start >= first && b.start < next) }
    })
  }
  if (meta) return [{ title: meta.title, park: meta.parks[0], blocks: cleaned.blocks }]
  const starts = articleStarts(cleaned.blocks)
  const first = deriveTitle(doc, cleaned.blocks.slice(0, starts[1]))
  return starts.map((start, i) => {
    const blocks = cleaned.blocks.slice(start, starts[i + 1])
    return { title: i > 0 && isHeadline(blocks, 0) ? headlineOf(blocks, 0) : first, blocks }
  })
}

// 一、 (or (一)) opens a section; a new run of them after 二、 or later is another article.
const FIRST_SECTION = /^[（(]?一[、)）.]/
const LATER_SECTION = /^[（(]?[二三四五六七八九十][、)）.]/
// A closing byline: the author's note under an article, （作者系…）.
const CLOSING_BYLINE = /^[（(]作者/
// A headline's second line: ——无锡经开区2022年产业发展巡礼.
const SUBTITLE = /^[—─]{2}/

/** A heading that a subtitle (——…) or a byline follows: an article's headline. */
function isHeadline(blocks: readonly Block[], i: number): boolean {
  const next = blocks[i + 1]
  return blocks[i]?.kind === 'heading' && ((next?.kind === 'byline' && !CLOSING_BYLINE.test(next.text)) || (next?.kind === 'heading' && SUBTITLE.test(next.text)))
}

/** The headline with its subtitle. */
function headlineOf(blocks: readonly Block[], i: number): string {
  const subtitle = blocks[i + 1]
  return subtitle?.kind === 'heading' && SUBTITLE.test(subtitle.text) ? blocks[i]!.text + subtitle.text : blocks[i]!.text
}

/**
 * Where the articles of a file without metadata begin (block indices): at a headline followed by
 * its byline (□徐荩, 记者 …) once an article has run, after a closing byline (（作者系…）), or where
 * numbered sections start again from 一、.
 */
function articleStarts(blocks: readonly Block[]): number[] {
  const starts = [0]
  let bodySeen = false
  let laterSection = false
  let closed = false
  blocks.forEach((block, i) => {
    const headlineWithByline = isHeadline(blocks, i)
    const restart = block.kind === 'heading' && FIRST_SECTION.test(block.text) && laterSection
    if (bodySeen && (headlineWithByline || restart || (closed && block.kind !== 'byline'))) {
      if (starts.at(-1) !== i) starts.push(i)
      bodySeen = false
      laterSection = false
      closed = false
    }
    if (block.kind === 'paragraph') bodySeen = true
    if (block.kind === 'heading' && LATER_SECTION.test(block.text)) laterSection = true
    if (block.kind === 'byline' && CLOSING_BYLINE.test(block.text)) closed = true
  })
  return starts
}

/** The first real heading (not a 【column tag】), with a "——" subtitle when one follows it. */
function deriveTitle(doc: SourceDocument, blocks: readonly Block[]): string {
  const candidate = (b: Block) => b.kind === 'heading' && !/^【.*】$/.test(b.text) && !SUBTITLE.test(b.text) && b.text.length >= 4
  // A headline is the heading its subtitle or byline stands under; else the first heading.
  const headline = blocks.findIndex((b, i) => candidate(b) && isHeadline(blocks, i))
  const index = headline >= 0 ? headline : blocks.findIndex(candidate)
  if (index >= 0) return headlineOf(blocks, index)
  const first = blocks.find((b) => b.kind === 'paragraph')?.text
  return first ? first.slice(0, 30) : doc.source.replace(/\.[^.]+$/, '')
}

/**
 * Splits a document into passages of whole sentences (~150–400 characters), never across an
 * article and starting afresh at each heading; consecutive passages of one section share a
 * sentence so that a fact on the boundary is whole in at least one of them.
 */
export function chunkDocument(doc: SourceDocument, metadata: CorpusMetadata, max: number = MAX_CHUNK_CHARS): Passage[] {
  const cleaned = cleanText(doc.content, doc.captions)
  const meta = metadata.documents.find((d) => d.source === doc.source)
  const documentPark = meta?.parks[0] ?? mostMentionedPark(cleaned.text, metadata.parks) ?? ''
  const documentYear = meta?.date?.slice(0, 4) ?? publicationYear(cleaned.text)
  const chunks: Passage[] = []

  for (const article of splitArticles(doc, cleaned, meta)) {
    let section = ''
    // Without metadata an article is about the park its headline names, or the one it names most
    // (twice at least: a partner named once is not its subject), or else the document's.
    const articleText = article.blocks.map((b) => b.text).join('\n')
    const articlePark = article.park ?? mostMentionedPark(article.blocks[0]?.text ?? '', metadata.parks) ?? mostMentionedPark(articleText, metadata.parks, 2) ?? documentPark
    let sectionPark = articlePark
    let current: Unit[] = []

    const emit = () => {
      if (current.length === 0) return
      const start = current[0]!.start
      const end = current[current.length - 1]!.end
      const opening = sentenceOpening(cleaned.text, start)
      chunks.push({
        id: `${doc.contentHash.slice(0, 12)}-${String(chunks.length).padStart(4, '0')}`,
        source: doc.source,
        title: article.title,
        park: sectionPark,
        section,
        ...(documentYear ? { documentYear } : {}),
        ...(opening ? { opening } : {}),
        start,
        end,
        text: cleaned.text.slice(start, end),
      })
    }
    const length = (units: Unit[]) => (units.length === 0 ? 0 : units[units.length - 1]!.end - units[0]!.start)
    const onlyAsides = () => current.every((u) => u.block.kind !== 'paragraph')

    article.blocks.forEach((block, i) => {
      if (block.kind === 'heading') {
        if (!onlyAsides()) {
          emit()
          current = []
        }
        section = block.text
        if (!article.park) {
          // No metadata: the park of a section is the one its heading names, or else one its text
          // names twice or more (a partner park named once, 与长寿经开区签订协议, is not its subject).
          const until = article.blocks.findIndex((b, j) => j > i && b.kind === 'heading')
          const sectionText = article.blocks.slice(i, until < 0 ? undefined : until).map((b) => b.text).join('\n')
          sectionPark = ownZone(articlePark, mostMentionedPark(block.text, metadata.parks) ?? mostMentionedPark(sectionText, metadata.parks, 2) ?? articlePark)
        }
      }
      for (const unit of sentenceUnits(block, max)) {
        if (current.length > 0 && unit.end - current[0]!.start > max) {
          emit()
          const last = current[current.length - 1]!
          const overlap = last.block.kind === 'paragraph' && last.end - last.start <= max / 2 && unit.end - last.start <= max
          current = overlap ? [last] : []
        }
        current.push(unit)
        if (length(current) >= max) {
          emit()
          current = []
        }
      }
    })
    emit()
  }
  if (doc.pages) {
    const pages = passagePages(doc.content, doc.pages, chunks)
    chunks.forEach((chunk, i) => {
      if (pages[i] !== undefined) chunk.page = pages[i]
    })
  }
  return chunks
}

/** The longest opening kept: a sentence's time and subject come first. */
const MAX_OPENING_CHARS = 200

/** The text from the start of the sentence `start` falls inside (after 。！？ or a line break) to `start`. */
function sentenceOpening(text: string, start: number): string | undefined {
  const before = text.slice(Math.max(0, start - 2 * MAX_OPENING_CHARS), start)
  const from = fullSentenceStart(before)
  // Without a sentence end in reach the cut is too far from the sentence's start to say what it opens with.
  if (from === 0 && start > before.length) return undefined
  // A closing quote or bracket after the full stop still belongs to the sentence before (…。”).
  const opening = before.slice(from).replace(/^[\s”’」』）)]+/, '')
  if (opening === '') return undefined
  return opening.length <= MAX_OPENING_CHARS ? opening : opening.slice(0, opening.slice(0, MAX_OPENING_CHARS).search(/[，,；;][^，,；;]*$/) + 1) || undefined
}

/**
 * The park of a section that names `named` most: in an article about a zone, a section naming the
 * city, county or district the zone lies in (某高新区, then 某市 or 某县 twice) still speaks of the zone — its 园区 is the
 * zone, and the city is what its figures are compared with.
 */
function ownZone(articlePark: string, named: string): string {
  if (!places.isCityOrCounty(named) || places.isCityOrCounty(articlePark)) return named
  return articlePark.startsWith(places.shortName(named)) ? articlePark : named
}

/**
 * What is embedded: the passage behind a header naming its park, document and section, so that a
 * passage saying only "园区" is still found by a question naming the park.
 */
export function indexedText(chunk: Passage): string {
  return withHeader(denseHeader(chunk), chunk.text)
}

/** The header of a passage's embedded text: park, document title and section. */
export function denseHeader(chunk: Passage): string {
  return [chunk.park, chunk.title, chunk.section && chunk.section !== chunk.title ? chunk.section : ''].filter((part) => part !== '').join('｜')
}

/**
 * The header of a passage's BM25 text: park and section, no document title. A title holds the
 * words the whole article is about (某经开区2023年规上工业总产值…汽车及零部件产业…); in every
 * passage's terms, those words would be in every passage of the document and tell none apart.
 */
export function lexicalHeader(chunk: Passage): string {
  return [chunk.park, chunk.section || chunk.title].filter((part) => part !== '').join('｜')
}

function withHeader(header: string, text: string): string {
  return header === '' ? text : `${header}\n${text}`
}
