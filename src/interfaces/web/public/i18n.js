// @ts-check
/*
 * The page's words in Chinese and English; the browser's preferred languages choose (see
 * `pickLanguage`). Text is always inserted with textContent, so none of these is HTML.
 */

export const strings = {
  zh: {
    title: '园区文档问答',
    intro: '回答只来自已收录的文档，并标出所依据的原文段落；文档里没有的，会直说没有。',
    parkLabel: '只看某个园区',
    allParks: '全部园区',
    newConversation: '新对话',
    questionLabel: '问题',
    placeholder: '输入问题，按 Enter 发送，Shift+Enter 换行',
    send: '提问',
    you: '问',
    thinking: '正在查找文档…',
    sources: '来源',
    closest: '最接近的段落（未必回答了问题）',
    copy: '复制回答',
    copied: '已复制回答和来源。',
    copyFailed: '无法复制，请手动选择文字复制。',
    close: '关闭',
    openSource: (/** @type {number} */ n, /** @type {string} */ title) => `查看来源 ${n}：${title}`,
    page: (/** @type {number} */ page) => `第 ${page} 页`,
    file: (/** @type {string} */ file) => `文件 ${file}`,
    newStarted: '已开始新对话。',
    tooLong: (/** @type {number} */ length, /** @type {number} */ max) => `问题太长了：${length} 字，最多 ${max} 字。请删减后再问。`,
    rateLimited: (/** @type {number} */ seconds) => `提问太频繁了，请 ${seconds} 秒后再试。`,
    notReady: (/** @type {number} */ seconds) => `文档还在加载，请 ${seconds} 秒后再试。`,
    connectionLost: '连接中断，回答没有完成。请检查网络后重新提问（问题已放回输入框）。',
    failed: '出错了：',
    retryLater: '服务器暂时出了问题，请稍后再试。',
    incomplete: '（回答未完成）',
    sourcesDialog: '原文段落',
  },
  en: {
    title: 'Park documents Q&A',
    intro: 'Answers come only from the documents indexed here, with the passages they quote. When the documents do not say, it says so.',
    parkLabel: 'Only one park',
    allParks: 'All parks',
    newConversation: 'New conversation',
    questionLabel: 'Question',
    placeholder: 'Ask a question; Enter sends, Shift+Enter adds a line',
    send: 'Ask',
    you: 'Q',
    thinking: 'Searching the documents…',
    sources: 'Sources',
    closest: 'Closest passages (they may not answer the question)',
    copy: 'Copy answer',
    copied: 'Answer and sources copied.',
    copyFailed: 'Could not copy; select the text and copy it by hand.',
    close: 'Close',
    openSource: (/** @type {number} */ n, /** @type {string} */ title) => `Open source ${n}: ${title}`,
    page: (/** @type {number} */ page) => `page ${page}`,
    file: (/** @type {string} */ file) => `file ${file}`,
    newStarted: 'New conversation started.',
    tooLong: (/** @type {number} */ length, /** @type {number} */ max) => `The question is too long: ${length} characters, at most ${max}. Please shorten it.`,
    rateLimited: (/** @type {number} */ seconds) => `Too many questions. Please try again in ${seconds} s.`,
    notReady: (/** @type {number} */ seconds) => `The documents are still loading. Please try again in ${seconds} s.`,
    connectionLost: 'The connection was lost before the answer finished. Check your network and ask again (your question is back in the box).',
    failed: 'Something went wrong: ',
    retryLater: 'The server had a problem; please try again later.',
    incomplete: '(answer incomplete)',
    sourcesDialog: 'Passage',
  },
}

/** @typedef {typeof strings.zh} Strings */

/**
 * Chinese when the browser prefers it over English, else English: the first of the preferred
 * languages that is either decides; neither (say German) reads English.
 * @param {readonly string[]} languages
 * @returns {'zh' | 'en'}
 */
export function pickLanguage(languages) {
  for (const language of languages) {
    const primary = language.toLowerCase().split('-')[0]
    if (primary === 'zh') return 'zh'
    if (primary === 'en') return 'en'
  }
  return 'en'
}
