import { describe, expect, it } from 'vitest'
import { HEADING_START } from '../../src/text/headings.js'

describe('rule: how a heading starts (text HEADING_START), one grammar for the cleaner and the answer step', () => {
  it.each(['一、产业集群成势', '二．创新驱动', '（三）营商环境', '(4)开放合作', '第二篇 项目建设', '【绿色篇】窑炉“换气”'])('%s starts a heading', (line) => {
    expect(HEADING_START.test(line)).toBe(true)
  })
  it.each(['一是做大生物医药产业集群', '第三季度产值增长', '【这个括号里写了十三个以上的字符没有闭合'])('%s does not', (line) => {
    expect(HEADING_START.test(line)).toBe(false)
  })
})
