import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * How the proxy throttles, the two ways IAM is seen to: at random (other clients in the account use
 * up its quota), and above a rate (the account's request quota, a token bucket).
 */
export interface ThrottlingMode {
  /** Share of requests answered with `Throttling` at random, 0–1. @default 0 */
  readonly randomShare?: number;
  /** Requests per second the token bucket lets through; requests above it are throttled. @default unlimited */
  readonly bucketRate?: number;
  /** The bucket's capacity (a burst it lets through at once). @default one second of `bucketRate` */
  readonly bucketBurst?: number;
  /** Seed of the random throttling, so runs of different retry policies meet the same pattern. @default 1 */
  readonly seed?: number;
}

/** What the proxy let through and what it throttled since the last {@link CountingProxy.reset}. */
export interface ProxyTraffic {
  /** Requests forwarded to moto. */
  readonly forwarded: number;
  /** Requests answered with `Throttling`. */
  readonly throttled: number;
  /** Milliseconds between the first and the last forwarded request. */
  readonly forwardingMs: number;
}

/** A loopback HTTP proxy in front of moto that counts AWS Query API requests by action. */
export interface CountingProxy {
  /** The proxy's URL: what the SDK's endpoint should be. */
  readonly endpoint: string;
  /** Requests seen per action since the last {@link CountingProxy.reset}. */
  readonly counts: Map<string, number>;
  /** Total requests since the last reset. */
  total(): number;
  /** Forwarded and throttled requests since the last reset. */
  traffic(): ProxyTraffic;
  /** Clears the counts. */
  reset(): void;
  /** Sets the extra delay added before each request is forwarded (a simulated round trip). */
  setDelayMs(ms: number): void;
  /** Throttles requests from now on (`{}` turns throttling off); restarts the random sequence and fills the bucket. */
  setThrottling(mode: ThrottlingMode): void;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/** IAM's throttling error, as the Query API returns it (HTTP 400, code `Throttling`). */
export const IAM_THROTTLING_RESPONSE =
  "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>" +
  "<RequestId>throttled</RequestId></ErrorResponse>";

/** A small seeded generator (mulberry32): the same seed throttles the same requests. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, request by request, whether the proxy throttles it. */
function throttler(mode: ThrottlingMode, clock: () => number): () => boolean {
  const random = seededRandom(mode.seed ?? 1);
  const rate = mode.bucketRate;
  const burst = mode.bucketBurst ?? rate ?? 0;
  let tokens = burst;
  let refilledAt = clock();
  return () => {
    if ((mode.randomShare ?? 0) > 0 && random() < (mode.randomShare ?? 0)) return true;
    if (rate === undefined) return false;
    const now = clock();
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * rate);
    refilledAt = now;
    if (tokens < 1) return true;
    tokens -= 1;
    return false;
  };
}

/** Starts the proxy on a free loopback port, forwarding to `upstream`. */
export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const counts = new Map<string, number>();
  let delayMs = 0;
  let throttle: () => boolean = () => false;
  let forwarded = 0;
  let throttled = 0;
  let firstForwardAt: number | undefined;
  let lastForwardAt: number | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString()).get("Action") ?? "?";
      counts.set(action, (counts.get(action) ?? 0) + 1);
      if (throttle()) {
        throttled += 1;
        response.writeHead(400, { "content-type": "text/xml" });
        response.end(IAM_THROTTLING_RESPONSE);
        return;
      }
      forwarded += 1;
      firstForwardAt ??= performance.now();
      lastForwardAt = performance.now();
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
    traffic: () => ({
      forwarded,
      throttled,
      forwardingMs: firstForwardAt !== undefined && lastForwardAt !== undefined ? lastForwardAt - firstForwardAt : 0,
    }),
    reset: () => {
      counts.clear();
      forwarded = 0;
      throttled = 0;
      firstForwardAt = undefined;
      lastForwardAt = undefined;
    },
    setDelayMs: (ms) => (delayMs = ms),
    setThrottling: (mode) => (throttle = throttler(mode, () => performance.now())),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
