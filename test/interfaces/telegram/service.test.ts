import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config.js'
import { startService, type Service } from '../../../src/interfaces/http/service.js'
import { startFakeTelegram, textMessage, user, type FakeTelegram } from '../../fakes/telegram-server.js'
import { copySeedIndex, SEED_CORPUS } from '../../helpers.js'
import { captureLog } from '../http/client.js'

/** `npm start` with a bot token: the bot runs beside the HTTP API, by long polling or by webhook. */

let indexDir: string
let fake: FakeTelegram
let service: Service | undefined
const QUESTION = '常德高新区有多少家高新技术企业？'

beforeAll(async () => {
  indexDir = await copySeedIndex()
})

beforeEach(async () => {
  fake = await startFakeTelegram()
})

afterEach(async () => {
  await service?.stop(1000)
  service = undefined
  await fake.close()
})

const env = (extra: Record<string, string> = {}) =>
  loadConfig({ PORT: '0', HOST: '127.0.0.1', CORPUS_DIR: SEED_CORPUS, INDEX_DIR: indexDir, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, ...extra })

describe('the service with a Telegram bot', () => {
  it('long-polls beside the HTTP API over the same index, and stops polling on stop()', async () => {
    const { log, logs } = captureLog()
    service = await startService(env(), log)
    await service.ready
    await fake.waitFor(() => fake.callsOf('getUpdates').length > 0)
    fake.push(textMessage({ id: 21, type: 'private' }, user(21), QUESTION))
    await fake.waitFor(() => fake.callsOf('sendMessage').length > 0)
    const http = await (await fetch(service.url + '/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: QUESTION }) })).json()
    expect(String(fake.callsOf('sendMessage')[0]!.body.text)).toContain((http as { answer: string }).answer)
    expect(logs.some((l) => String(l.msg).includes('the bot is public'))).toBe(true)

    await service.stop(1000)
    service = undefined
    const polls = fake.callsOf('getUpdates').length
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(fake.callsOf('getUpdates').length).toBe(polls)
    expect(JSON.stringify(logs)).not.toContain(fake.token)
  })

  it('takes webhook updates on the HTTP app only with Telegram’s secret header', async () => {
    const secret = 'webhook-secret_123'
    const { log, logs } = captureLog()
    service = await startService(env({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/updates', TELEGRAM_WEBHOOK_SECRET: secret }), log)
    await service.ready
    await fake.waitFor(() => fake.callsOf('setWebhook').length > 0)
    expect(fake.callsOf('setWebhook')[0]!.body).toMatchObject({ url: 'https://bot.example.org/telegram/updates', secret_token: secret, allowed_updates: ['message', 'edited_message', 'callback_query'] })
    expect(fake.callsOf('getUpdates')).toHaveLength(0)

    const update = { update_id: 1, ...textMessage({ id: 22, type: 'private' }, user(22), QUESTION) }
    const post = (headers: Record<string, string>) =>
      fetch(service!.url + '/telegram/updates', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) })
    const wrong: Array<Record<string, string>> = [{}, { 'x-telegram-bot-api-secret-token': 'guess' }]
    for (const headers of wrong) {
      const refused = await post(headers)
      expect(refused.status).toBe(401)
      expect(await refused.json()).toEqual({ error: { code: 'unauthorized', message: 'Missing or wrong X-Telegram-Bot-Api-Secret-Token' } })
    }
    const accepted = await post({ 'x-telegram-bot-api-secret-token': secret })
    expect(accepted.status).toBe(200)
    await fake.waitFor(() => fake.callsOf('sendMessage').length > 0)
    expect(fake.callsOf('sendMessage')).toHaveLength(1)
    expect(fake.callsOf('sendMessage')[0]!.body).toMatchObject({ chat_id: 22, parse_mode: 'HTML' })
    expect(JSON.stringify(logs)).not.toContain(secret)
  })
})
