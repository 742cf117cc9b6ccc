import type { Embeddings } from '@langchain/core/embeddings'
import type { Config } from '../config.js'
import { LOCAL_EMBEDDER_ID, LocalHashEmbeddings, type LocalEmbedderState } from './local-embeddings.js'
import type { TermCounts } from '../text/tokenize.js'

/**
 * Which embedder the configuration asks for. An index remembers the id it was built with; the
 * two must agree, or the query vectors would live in another space than the passages.
 */
export function configuredEmbedderId(config: Pick<Config, 'embeddings' | 'embeddingModel'>): string {
  return config.embeddings === 'openai' ? `openai:${config.embeddingModel}` : LOCAL_EMBEDDER_ID
}

export type EmbedderConfig = Pick<Config, 'embeddings' | 'embeddingModel' | 'openai' | 'embeddingsBaseURL'>

/**
 * Builds the embedder for an index. The local one needs the state learned at ingest (`fit` on the
 * passages' term frequencies when there is none yet); OpenAI-compatible ones are stateless.
 */
export async function createEmbeddings(config: EmbedderConfig, localState: LocalEmbedderState | undefined, passageTerms: () => ReadonlyArray<TermCounts>): Promise<Embeddings> {
  if (config.embeddings === 'openai') {
    // Imported only when asked for: @langchain/openai is the slowest import of the program.
    const { OpenAIEmbeddings } = await import('@langchain/openai')
    return new OpenAIEmbeddings({
      model: config.embeddingModel,
      // A local OpenAI-compatible server may need no key; the client insists on one.
      apiKey: config.openai.apiKey ?? 'not-needed',
      configuration: config.embeddingsBaseURL ? { baseURL: config.embeddingsBaseURL } : undefined,
      maxRetries: 1,
      batchSize: 128,
    })
  }
  return localState ? new LocalHashEmbeddings(localState) : LocalHashEmbeddings.fitTerms(passageTerms())
}
