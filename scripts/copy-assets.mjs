// `npm run build`, after tsc: the rule tables (src/**/*.json) go beside the compiled modules that
// read them through `new URL('./x.json', import.meta.url)`; tsc copies only JSON it sees imported.
// Usage: node scripts/copy-assets.mjs [OUT_DIR]   (default dist/, as tsconfig.build.json says)
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const from = path.join(root, 'src')
const to = path.resolve(process.argv[2] ?? path.join(root, 'dist'))
let copied = 0
for (const entry of fs.readdirSync(from, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.json')) continue
  const source = path.join(entry.parentPath, entry.name)
  const target = path.join(to, path.relative(from, source))
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.copyFileSync(source, target)
  copied++
}
console.log(`build: ${copied} rule tables copied to ${path.relative(process.cwd(), to) || '.'}/`)
