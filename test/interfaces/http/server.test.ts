import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { listen } from '../../../src/interfaces/http/server.js'

/** Far longer than the 300 ms request, so that finishing early shows nothing waited for it. */
const GRACE_MS = 30_000

describe('listen().close()', () => {
  it('lets a request in flight finish, closes idle keep-alive connections at once', async () => {
    const server = await listen((_req, res) => void setTimeout(() => res.end('done'), 300), 0, '127.0.0.1')
    await (await fetch(server.url)).text() // leaves an idle keep-alive connection
    const inFlight = fetch(server.url).then((r) => r.text())
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = Date.now()
    await server.close(GRACE_MS)
    expect(await inFlight).toBe('done')
    // Closed without waiting out the grace period for the idle connection.
    expect(Date.now() - started).toBeLessThan(GRACE_MS)
  })

  it('cuts a request still running when the grace period ends', async () => {
    const server = await listen(() => undefined, 0, '127.0.0.1')
    const hanging = fetch(server.url).then(
      () => 'answered',
      () => 'cut',
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    await server.close(200)
    expect(await hanging).toBe('cut')
  })

  it('a client that never finishes its headers is answered 408 and disconnected', async () => {
    const server = await listen((_req, res) => void res.end('ok'), 0, '127.0.0.1', { headersTimeoutMs: 300, requestTimeoutMs: 600 })
    try {
      const socket = net.connect(server.port, '127.0.0.1')
      socket.write('POST /ask HTTP/1.1\r\nHost: x\r\nX-Slow: ')
      let received = ''
      socket.on('data', (chunk) => (received += chunk.toString()))
      await new Promise((resolve) => socket.on('close', resolve))
      expect(received).toMatch(/^HTTP\/1.1 408/)
    } finally {
      await server.close()
    }
  })
})
