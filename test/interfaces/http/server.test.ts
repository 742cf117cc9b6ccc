import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../../src/interfaces/http/app.js'
import { listen } from '../../../src/interfaces/http/server.js'
import { captureLog, handedLive, HTTP_DEFAULTS } from './client.js'

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

  it('answers requests that had fully arrived but were not parsed yet when the shutdown began, with Connection: close', async () => {
    const server = await listen((_req, res) => void setTimeout(() => res.end('done'), 20), 0, '127.0.0.1')
    const sockets = await Promise.all(
      Array.from({ length: 8 }, () => new Promise<net.Socket>((resolve) => {
        const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket))
      })),
    )
    const replies = sockets.map((socket) => {
      let received = ''
      socket.on('data', (chunk) => (received += chunk.toString()))
      return new Promise<string>((resolve) => socket.on('close', () => resolve(received)))
    })
    // Written and the shutdown begun in the same tick: the server has read none of the requests yet.
    for (const socket of sockets) socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const closed = server.close(GRACE_MS)
    for (const reply of await Promise.all(replies)) {
      expect(reply).toMatch(/^HTTP\/1.1 200 OK\r\n/)
      expect(reply).toMatch(/\r\nConnection: close\r\n/i)
      expect(reply).toMatch(/done$/)
    }
    await closed
  })

  it('a port in use is a typed error naming PORT, not a stack', async () => {
    const first = await listen((_req, res) => void res.end(), 0, '127.0.0.1')
    try {
      await expect(listen((_req, res) => void res.end(), first.port, '127.0.0.1')).rejects.toMatchObject({
        code: 'port_in_use',
        message: `Port 127.0.0.1:${first.port} is already in use (another parkqa, or another program): stop it, or set PORT to a free port`,
      })
    } finally {
      await first.close()
    }
  })
})

describe('the request log', () => {
  const app = () => {
    const { log, logs } = captureLog()
    return { logs, app: createApp({ live: handedLive(() => expect.unreachable()), logger: log, http: HTTP_DEFAULTS, version: 't' }) }
  }

  it('says 408 for a request whose body took longer than the request timeout, as the client got', async () => {
    const { logs, app: handler } = app()
    const server = await listen(handler, 0, '127.0.0.1', { headersTimeoutMs: 300, requestTimeoutMs: 600 })
    try {
      const socket = net.connect(server.port, '127.0.0.1')
      socket.write('POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: slow-body\r\n\r\n{"question"')
      let received = ''
      socket.on('data', (chunk) => (received += chunk.toString()))
      await new Promise((resolve) => socket.on('close', resolve))
      expect(received).toMatch(/^HTTP\/1.1 408/)
      await expect.poll(() => logs.find((l) => l.reqId === 'slow-body')).toMatchObject({ path: '/ask', status: 408, completed: false })
    } finally {
      await server.close()
    }
  })

  it('logs a request cut at the end of the grace period before close() resolves', async () => {
    const { logs, app: handler } = app()
    const server = await listen(handler, 0, '127.0.0.1')
    // A body that never ends keeps the request in flight until the cutoff.
    const socket = net.connect(server.port, '127.0.0.1')
    socket.on('error', () => undefined)
    socket.write('POST /ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nX-Request-Id: cut-off\r\n\r\n{')
    await expect.poll(() => server.port && socket.bytesWritten > 0).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await server.close(300)
    expect(logs.find((l) => l.reqId === 'cut-off')).toMatchObject({ path: '/ask', status: null, completed: false })
  })
})
