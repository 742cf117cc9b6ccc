import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RequestListener } from 'node:http'

/** Time allowed to send the request headers, and the whole request. Answers themselves may take longer. */
export const HEADERS_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_MS = 30_000
/** How long requests in flight may run on after a shutdown begins. */
export const SHUTDOWN_GRACE_MS = 10_000

export interface RunningServer {
  url: string
  port: number
  /**
   * Stops accepting connections, lets requests in flight finish for up to `graceMs`, then cuts
   * whatever is left. Resolves when every connection is closed.
   */
  close(graceMs?: number): Promise<void>
}

export interface ListenOptions {
  headersTimeoutMs?: number
  requestTimeoutMs?: number
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const wildcard = address.address === '::' || address.address === '0.0.0.0'
  const shown = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined
  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    close(graceMs = SHUTDOWN_GRACE_MS) {
      closing ??= new Promise<void>((resolve) => {
        const cutoff = setTimeout(() => server.closeAllConnections(), graceMs)
        // Keep-alive connections with no request in flight (now, or once theirs is answered) would
        // otherwise hold the server open until the cutoff.
        const sweep = setInterval(() => server.closeIdleConnections(), 100)
        server.close(() => {
          clearTimeout(cutoff)
          clearInterval(sweep)
          resolve()
        })
        server.closeIdleConnections()
      })
      return closing
    },
  }
}
