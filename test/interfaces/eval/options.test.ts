import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../../src/errors.js'
import { parseEvalArgs, USAGE } from '../../../src/interfaces/eval/options.js'

describe('npm run eval options', () => {
  it('reads the documented options with their defaults', () => {
    expect(parseEvalArgs(['--dataset', 'evals'])).toEqual({ help: false, dataset: 'evals', json: undefined, md: undefined, section: 'eval', latency: false, mode: undefined, retriever: 'hybrid', k: 5, gate: undefined, ratchet: false })
    expect(parseEvalArgs(['--dataset', 'x.jsonl', '--json', 'o.json', '--md', 'o.md', '--mode', 'llm', '--retriever', 'bm25', '--k', '3', '--gate', 't.json', '--ratchet'])).toEqual({
      help: false,
      dataset: 'x.jsonl',
      json: 'o.json',
      md: 'o.md',
      section: 'eval',
      latency: false,
      mode: 'llm',
      retriever: 'bm25',
      k: 3,
      gate: 't.json',
      ratchet: true,
    })
    expect(parseEvalArgs(['--help']).help).toBe(true)
  })

  it('takes --corpus DIR, the documents to ingest and answer from instead of CORPUS_DIR, and documents it in --help', () => {
    expect(parseEvalArgs(['--dataset', 'evals', '--corpus', 'evals/corpus/seed']).corpus).toBe('evals/corpus/seed')
    expect(parseEvalArgs(['--dataset', 'evals']).corpus).toBeUndefined()
    expect(USAGE).toMatch(/^Usage: npm run eval -- --dataset PATH \[--corpus DIR\]/)
    expect(USAGE).toMatch(/^ {2}--corpus DIR {6}ingest and answer from the documents in DIR instead of CORPUS_DIR/m)
  })

  it.each([
    [['--json', 'x.json'], /^--dataset is required\.\nUsage: npm run eval/],
    [['--dataset', 'evals', '--retriever', 'colbert'], /--retriever must be one of hybrid, bm25, dense/],
    [['--dataset', 'evals', '--mode', 'magic'], /--mode must be extractive or llm/],
    [['--dataset', 'evals', '--k', '0'], /--k must be a whole number 1–20/],
    [['--dataset', 'evals', '--ratchet'], /--ratchet needs --gate FILE/],
    [['--dataset', 'evals', '--corpus', ''], /--corpus needs a directory/],
    [['--dataset', 'evals', '--verbose'], /Unknown option '--verbose'[\s\S]*Usage: npm run eval/],
  ])('%j is a config error saying what is wrong', (argv, message) => {
    expect(() => parseEvalArgs(argv)).toThrow(ConfigError)
    expect(() => parseEvalArgs(argv)).toThrow(message)
  })
})

describe('--section', () => {
  it('names the marked section of --md to fill, and must be a plain name', () => {
    expect(parseEvalArgs(['--dataset', 'evals/new-dev', '--md', 'README.md', '--section', 'eval-new-dev']).section).toBe('eval-new-dev')
    expect(() => parseEvalArgs(['--dataset', 'evals', '--section', 'no spaces'])).toThrow(/--section/)
  })
})
