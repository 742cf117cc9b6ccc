/**
 * How a numbered or bracketed heading starts (一、, （二）, 第三篇, 【绿色篇】): the cleaner makes such a
 * short line a heading block, and the answer step does not quote one as an answer.
 */
export const HEADING_START = /^(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|第[一二三四五六七八九十]+[部章节篇]|【[^】]{1,12}】)/
