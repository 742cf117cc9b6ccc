import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startFakeTelegram, textMessage, user, type FakeTelegram } from '../../fakes/telegram-server.js'
import { copySeedIndex, tempDir } from '../../helpers.js'
import { PROCESS_TEST_MS, READY_MS, runCommand, startProcess } from '../process.js'

/** `npm run bot` as a real process against the fake Bot API. */

let fake: FakeTelegram

beforeEach(async () => {
  fake = await startFakeTelegram()
})

afterEach(async () => {
  await fake.close()
})

const start = (env: Record<string, string>) => startProcess('src/interfaces/telegram/main.ts', env)

describe('npm run bot', { timeout: PROCESS_TEST_MS }, () => {
  it('long-polls, answers /start, says it is public, and exits 0 on SIGTERM without ever logging the token', async () => {
    const bot = start({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, INDEX_DIR: await copySeedIndex() })
    try {
      await expect.poll(() => bot.lines.some((l) => String(l.msg).startsWith('serving index version')), { timeout: READY_MS, interval: 200 }).toBe(true)
      expect(bot.lines.some((l) => l.msg === 'telegram: long polling for updates')).toBe(true)
      expect(bot.lines.some((l) => String(l.msg).includes('the bot is public'))).toBe(true)
      fake.push(textMessage({ id: 31, type: 'private' }, user(31), '/start', { entities: [{ type: 'bot_command', offset: 0, length: 6 }] }))
      await fake.waitFor(() => fake.callsOf('sendMessage').length > 0)
      expect(String(fake.callsOf('sendMessage')[0]!.body.text)).toContain('<b>园区问答</b>')
      bot.child.kill('SIGTERM')
      expect(await bot.exited).toBe(0)
      expect(bot.lines.map((l) => l.msg)).toContain('stopped')
      expect(bot.stdout() + bot.stderr()).not.toContain(fake.token)
    } finally {
      bot.child.kill('SIGKILL')
    }
  })

  it('without a token, or with a webhook URL, stops at once saying what to do', async () => {
    const missing = start({ TELEGRAM_BOT_TOKN: fake.token })
    expect(await missing.exited).toBe(1)
    expect(missing.stderr()).toMatch(/^error \[invalid_config\]: TELEGRAM_BOT_TOKEN is not set\. Create a bot with @BotFather/)
    expect(missing.stderr()).toContain('\n  TELEGRAM_BOT_TOKN is not a parkqa setting and is ignored; did you mean TELEGRAM_BOT_TOKEN?\n')
    const help = await runCommand('src/interfaces/telegram/main.ts', {}, ['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^Usage: npm run bot \[-- --help\]/)
    const webhook = start({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hook' })
    expect(await webhook.exited).toBe(1)
    expect(webhook.stderr()).toContain('run `npm start` instead')
    expect(fake.calls).toHaveLength(0)
  })

  it('a token Telegram refuses ends it with exit 1 and a message without the token', async () => {
    const wrong = '4242:not-the-right-token'
    const bot = start({ TELEGRAM_BOT_TOKEN: wrong, TELEGRAM_API_ROOT: fake.apiRoot, INDEX_DIR: path.join(await tempDir(), 'index') })
    expect(await bot.exited).toBe(1)
    expect(bot.stderr()).toMatch(/^error \[telegram_unauthorized\]: Telegram rejected the bot token/)
    expect(bot.stdout() + bot.stderr()).not.toContain(wrong)
  })
})
