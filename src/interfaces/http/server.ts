import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'
import type { RequestListener } from 'node:http'
import { ServiceError } from '../../errors.js'

/** Time allowed to send the request headers, and the whole request. Answers themselves may take longer. */
export const HEADERS_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_MS = 30_000
/** How long requests in flight may run on after a shutdown begins (SHUTDOWN_GRACE_MS sets it for the service). */
export const SHUTDOWN_GRACE_MS = 8_000
/**
 * After a shutdown begins, the listener stays open this long: connections the kernel had queued
 * (clients that had sent their request while the process was busy) are accepted and answered
 * instead of being reset when the listening socket closes.
 */
const ACCEPT_DRAIN_MS = 100
/** A connection that has sent no request yet is given this long to send one once a shutdown begins. */
const FIRST_REQUEST_MS = 2_000

export interface RunningServer {
  url: string
  port: number
  /**
   * Stops accepting connections, lets requests in flight — and requests already sent on open
   * connections — finish for up to `graceMs`, then cuts whatever is left. Resolves when every
   * connection is closed and every response has emitted `close` (so each has been logged).
   */
  close(graceMs?: number): Promise<void>
}

export interface ListenOptions {
  headersTimeoutMs?: number
  requestTimeoutMs?: number
}

/** Sockets Node answered 408 itself (the request took longer than REQUEST_TIMEOUT_MS to arrive). */
const timedOut = new WeakSet<Socket>()

/** Whether the client on `socket` got Node's 408 rather than a response of ours. */
export function requestTimedOut(socket: Socket): boolean {
  return timedOut.has(socket)
}

/**
 * Node's own answers to a broken or slow client (what it sends when nothing listens for
 * `clientError`), with a 408 remembered so that the request's log line says what the client got.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400
  if (status === 408) timedOut.add(socket)
  if (socket.writable && socket.bytesWritten === 0) socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\n\r\n`)
  socket.destroy(error)
}

interface Connection {
  opened: number
  active: number
  served: number
}

async function bind(server: http.Server, port: number, host?: string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const where = `${host ?? ''}:${port}`
    if (code === 'EADDRINUSE') throw new ServiceError('port_in_use', `Port ${where} is already in use (another parkqa, or another program): stop it, or set PORT to a free port`)
    if (code === 'EACCES') throw new ServiceError('port_forbidden', `Port ${where} needs privileges this user does not have: set PORT to 1024 or above`)
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ServiceError('port_forbidden', `HOST ${host} is not an address of this machine: set HOST to one of its addresses, or leave it empty`)
    throw error
  }
}

export async function listen(handler: RequestListener, port: number, host?: string, options: ListenOptions = {}): Promise<RunningServer> {
  const headersTimeout = options.headersTimeoutMs ?? HEADERS_TIMEOUT_MS
  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      // Node checks those timeouts only this often (30 s by default): a slow client would get far
      // more time than the limits say.
      connectionsCheckingInterval: Math.min(1000, headersTimeout),
    },
    handler,
  )
  server.keepAliveTimeout = 5_000
  server.on('clientError', answerClientError)

  // Every connection and whether it has a request in flight, for a shutdown that finishes them.
  const connections = new Map<Socket, Connection>()
  let closing: Promise<void> | undefined
  let responsesOpen = 0
  let allLogged: (() => void) | undefined
  server.on('connection', (socket) => {
    connections.set(socket, { opened: Date.now(), active: 0, served: 0 })
    socket.once('close', () => connections.delete(socket))
  })
  // Before the app's own listener: a response it sends at once must already say Connection: close.
  server.prependListener('request', (req, res) => {
    const connection = connections.get(req.socket)
    if (connection) connection.active++
    responsesOpen++
    if (closing) res.setHeader('Connection', 'close')
    res.once('close', () => {
      if (connection) {
        connection.active--
        connection.served++
      }
      if (--responsesOpen === 0) allLogged?.()
    })
  })

  await bind(server, port, host)
  const address = server.address() as AddressInfo
  const wildcard = address.address === '::' || address.address === '0.0.0.0'
  const shown = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    close(graceMs = SHUTDOWN_GRACE_MS) {
      closing ??= new Promise<void>((resolve) => {
        /** Idle keep-alive connections go at once; one that has not sent its first request yet gets a moment to. */
        const sweep = () => {
          for (const [socket, c] of connections) if (c.active === 0 && (c.served > 0 || Date.now() - c.opened > FIRST_REQUEST_MS)) socket.destroy()
        }
        const sweeper = setInterval(sweep, 50)
        const cutoff = setTimeout(() => {
          for (const socket of connections.keys()) socket.destroy()
        }, graceMs)
        setTimeout(() => {
          // net's close, not http's: http.Server#close also closes every connection without a
          // request in flight, resetting clients whose request has arrived but is not parsed yet.
          net.Server.prototype.close.call(server, () => {
            clearInterval(sweeper)
            clearTimeout(cutoff)
            // Now that no connection is left, http's close only stops its timeout checks.
            server.close()
            // Every response's `close` has run (its log line written) before the caller exits.
            if (responsesOpen === 0) resolve()
            else allLogged = resolve
          })
          sweep()
        }, Math.min(ACCEPT_DRAIN_MS, graceMs))
      })
      return closing
    },
  }
}
