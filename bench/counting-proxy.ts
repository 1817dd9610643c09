import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP proxy in front of moto that counts AWS Query API requests by action. */
export interface CountingProxy {
  /** The proxy's URL: what the SDK's endpoint should be. */
  readonly endpoint: string;
  /** Requests seen per action since the last {@link CountingProxy.reset}. */
  readonly counts: Map<string, number>;
  /** Total requests since the last reset. */
  total(): number;
  /** Clears the counts. */
  reset(): void;
  /** Sets the extra delay added before each request is forwarded (a simulated round trip). */
  setDelayMs(ms: number): void;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, forwarding to `upstream`. */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  let delayMs = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString()).get("Action") ?? "?";
      counts.set(action, (counts.get(action) ?? 0) + 1);
      const forward = () =>
        fetch(`${upstream}${request.url ?? "/"}`, {
          method: request.method ?? "POST",
          headers: Object.fromEntries(
            Object.entries(request.headers).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
          ),
          ...(request.method === "GET" || request.method === "HEAD" ? {} : { body }),
        })
          .then(async (upstreamResponse) => {
            response.writeHead(upstreamResponse.status, {
              "content-type": upstreamResponse.headers.get("content-type") ?? "text/xml",
            });
            response.end(Buffer.from(await upstreamResponse.arrayBuffer()));
          })
          .catch((error: unknown) => {
            response.writeHead(502);
            response.end(String(error));
          });
      if (delayMs > 0) setTimeout(forward, delayMs);
      else void forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    total: () => [...counts.values()].reduce((sum, n) => sum + n, 0),
    reset: () => counts.clear(),
    setDelayMs: (ms) => (delayMs = ms),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
