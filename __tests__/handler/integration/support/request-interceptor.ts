import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A hook that runs once, before the first request whose form body matches is forwarded. */
export interface InterceptRule {
  /** True for the request to hook (the AWS query protocol sends `Action=…&UserName=…`). */
  readonly matches: (form: URLSearchParams) => boolean;
  /** Runs before the request is forwarded: the change it makes is what the request then sees. */
  readonly before: () => Promise<void>;
}

/** A loopback proxy in front of moto that can act between two AWS calls of the code under test. */
export interface RequestInterceptor {
  /** The proxy's base URL, to use as `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** Adds a one-shot rule. */
  once(rule: InterceptRule): void;
  /** Rules that have not fired yet. */
  pending(): number;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/**
 * Starts the proxy on a free loopback port, forwarding every request to `target` unchanged (moto
 * does not check signatures, so the changed Host header is harmless).
 */
export async function startRequestInterceptor(target: string): Promise<RequestInterceptor> {
  const rules: InterceptRule[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString());
      const index = rules.findIndex((rule) => rule.matches(form));
      if (index >= 0) {
        const [rule] = rules.splice(index, 1);
        await rule.before();
      }
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers: { ...request.headers, host: upstream.host },
        },
        (reply) => {
          response.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(response);
        },
      );
      forward.on("error", () => {
        response.writeHead(502);
        response.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    once: (rule) => rules.push(rule),
    pending: () => rules.length,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
