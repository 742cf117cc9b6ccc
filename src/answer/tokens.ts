import { Tiktoken } from 'js-tiktoken/lite'
import o200k from 'js-tiktoken/ranks/o200k_base'

/**
 * Token counting from the BPE ranks bundled with js-tiktoken. `@langchain/core` would otherwise
 * download them from tiktoken.pages.dev on first use — a streaming ChatOpenAI call then hangs for
 * minutes on a machine without a network.
 */

let encoder: Tiktoken | undefined

export function countTokens(text: string): number {
  encoder ??= new Tiktoken(o200k)
  return encoder.encode(text).length
}
