// `npm run build`, after tsc: the rule tables (src/**/*.json) go beside the compiled modules that
// read them through `new URL('./x.json', import.meta.url)`, as tsc copies only JSON it sees
// imported; and the web page's files that are not JavaScript (html, css, svg) beside its modules.
// Usage: node scripts/copy-assets.mjs [OUT_DIR]   (default dist/, as tsconfig.build.json says)
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const from = path.join(root, 'src')
const to = path.resolve(process.argv[2] ?? path.join(root, 'dist'))
const copied = { json: 0, page: 0 }
for (const entry of fs.readdirSync(from, { recursive: true, withFileTypes: true })) {
  const kind = !entry.isFile() ? undefined : entry.name.endsWith('.json') ? 'json' : /\.(html|css|svg)$/.test(entry.name) ? 'page' : undefined
  if (!kind) continue
  const source = path.join(entry.parentPath, entry.name)
  const target = path.join(to, path.relative(from, source))
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.copyFileSync(source, target)
  copied[kind]++
}
console.log(`build: ${copied.json} rule tables and ${copied.page} web page files copied to ${path.relative(process.cwd(), to) || '.'}/`)
