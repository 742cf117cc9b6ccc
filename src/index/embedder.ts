import type { Embeddings } from '@langchain/core/embeddings'
import { OpenAIEmbeddings } from '@langchain/openai'
import type { Config } from '../config.js'
import { LOCAL_EMBEDDER_ID, LocalHashEmbeddings, type LocalEmbedderState } from './local-embeddings.js'

/**
 * Which embedder the configuration asks for. An index remembers the id it was built with; the
 * two must agree, or the query vectors would live in another space than the passages.
 */
export function configuredEmbedderId(config: Pick<Config, 'embeddings' | 'embeddingModel'>): string {
  return config.embeddings === 'openai' ? `openai:${config.embeddingModel}` : LOCAL_EMBEDDER_ID
}

export type EmbedderConfig = Pick<Config, 'embeddings' | 'embeddingModel' | 'openai'>

/**
 * Builds the embedder for an index. The local one needs the state learned at ingest (`fit` it on
 * the passages when there is none yet); OpenAI-compatible ones are stateless.
 */
export function createEmbeddings(config: EmbedderConfig, localState: LocalEmbedderState | undefined, passages: () => string[]): Embeddings {
  if (config.embeddings === 'openai') {
    return new OpenAIEmbeddings({
      model: config.embeddingModel,
      // A local OpenAI-compatible server may need no key; the client insists on one.
      apiKey: config.openai.apiKey ?? 'not-needed',
      configuration: config.openai.baseURL ? { baseURL: config.openai.baseURL } : undefined,
      maxRetries: 1,
      batchSize: 128,
    })
  }
  return localState ? new LocalHashEmbeddings(localState) : LocalHashEmbeddings.fit(passages())
}
