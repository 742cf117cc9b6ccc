// @ts-check
/* The server's request limits the page checks before sending (src/answer/request.ts; a test holds them equal). */

/** Characters a question may have. */
export const MAX_QUESTION_CHARS = 2000
/** Earlier turns the server takes with a question. */
export const MAX_HISTORY_TURNS = 10
/** Characters one earlier turn may have. */
export const MAX_TURN_CHARS = 4000
