import { fileURLToPath } from 'node:url'
import express, { type Router } from 'express'

/**
 * The chat page at `/`: plain files, served as they are (no build step, nothing from a CDN). The
 * page shares one module with the Telegram bot — what part of a passage an answer quotes — and
 * imports it by the path it has in `src/` relative to the page (`../../../answer/quotes.js`), which
 * the browser resolves to `/answer/quotes.js` and the type checker to the module itself.
 */

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url))
const QUOTES_MODULE = fileURLToPath(new URL('../../answer/quotes.js', import.meta.url))

/** Revalidated on every load (by ETag), so that a new version of the page is never mixed with an old one. */
const REVALIDATE = 'no-cache'

export function webPage(): Router {
  const router = express.Router()
  router.get('/answer/quotes.js', (_req, res) => {
    res.set('Cache-Control', REVALIDATE).type('text/javascript').sendFile(QUOTES_MODULE)
  })
  router.use(
    express.static(PUBLIC_DIR, {
      index: 'index.html',
      redirect: false,
      dotfiles: 'ignore',
      setHeaders: (res) => res.set('Cache-Control', REVALIDATE),
    }),
  )
  return router
}
