/**
 * One persistent HTTP client per subgraph: keep-alive sockets (no TCP or TLS handshake per
 * request), no caching layer and no stream wrappers between the gateway and the subgraph.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface SubgraphHttpOptions {
  /** Sockets kept per subgraph (idle and busy). Default 256. */
  maxSockets?: number;
  /** Idle sockets kept open for reuse. Default 64. */
  maxFreeSockets?: number;
  /** Whole-request timeout in ms. Default 30 000. */
  timeoutMs?: number;
}

export interface SubgraphHttpResponse {
  status: number;
  contentType: string;
  body: string;
}

/** The subgraph could not be reached or did not answer (connection refused, reset, timeout). */
export class SubgraphUnreachableError extends Error {
  constructor(
    readonly reason: 'connect' | 'timeout' | 'reset',
    cause: unknown,
  ) {
    super(`subgraph unreachable (${reason})`, { cause });
    this.name = 'SubgraphUnreachableError';
  }
}

export class SubgraphHttpClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly timeoutMs: number;

  constructor(url: string, options: SubgraphHttpOptions = {}) {
    this.url = new URL(url);
    const secure = this.url.protocol === 'https:';
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSockets ?? 256,
      maxFreeSockets: options.maxFreeSockets ?? 64,
      scheduling: 'lifo' as const,
    };
    this.agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.send = secure ? httpsRequest : httpRequest;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /**
   * POSTs `body` and resolves with the whole response. A request that fails on a reused
   * keep-alive socket the subgraph had just closed is retried once on a fresh socket when
   * `retryStaleSocket` is set (use it only for operations that are safe to repeat).
   */
  async post(body: string, headers: Record<string, string>, retryStaleSocket: boolean): Promise<SubgraphHttpResponse> {
    try {
      return await this.once(body, headers);
    } catch (error) {
      if (retryStaleSocket && error instanceof StaleSocketError) return this.once(body, headers);
      throw error instanceof StaleSocketError ? new SubgraphUnreachableError('reset', error.cause) : error;
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private once(body: string, headers: Record<string, string>): Promise<SubgraphHttpResponse> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const req: ClientRequest = this.send(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      });
      const timer = setTimeout(() => {
        fail(new SubgraphUnreachableError('timeout', new Error(`no response within ${this.timeoutMs} ms`)));
        req.destroy();
      }, this.timeoutMs);
      req.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const code = error.code ?? '';
        if (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) return fail(new StaleSocketError(error));
        if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
          return fail(new SubgraphUnreachableError('connect', error));
        }
        fail(new SubgraphUnreachableError('reset', error));
      });
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('error', (error) => {
          clearTimeout(timer);
          fail(new SubgraphUnreachableError('reset', error));
        });
        res.once('end', () => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      req.end(body);
    });
  }
}

/** A keep-alive socket closed by the subgraph between two requests (the request never arrived). */
class StaleSocketError extends Error {
  constructor(cause: unknown) {
    super('keep-alive socket closed by the subgraph', { cause });
  }
}
