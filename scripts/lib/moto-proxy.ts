import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The one loopback proxy the tests, the demo and the bench put in front of moto. It counts requests
 * by action, can delay them, throttle them, answer them itself (a fault, or AWS's answer where moto
 * is too lenient: it lets anyone assume any role), or run a hook before forwarding one. It knows
 * which account signed a request: it reads the session key id of each `AssumeRole` answer it relays,
 * then the key id in each request's SigV4 `Credential`.
 */
export interface MotoProxy {
  /** The proxy's URL: what `AWS_ENDPOINT_URL` (or a service's own endpoint variable) should be. */
  readonly endpoint: string;
  /** Requests seen per action (`ListUsers`, `Query`, …) since the last {@link MotoProxy.reset}. */
  readonly counts: Map<string, number>;
  /** Requests the proxy answered itself (a rule or throttling), per action, since the last reset. */
  readonly answered: Map<string, number>;
  /** Requests seen since the last reset, of one service (`iam`, `dynamodb`, …) or of all. */
  total(service?: string): number;
  /** Forwarded and throttled requests since the last reset. */
  traffic(): ProxyTraffic;
  /** Clears the counts (not the rules, the throttling or the sessions learnt). */
  reset(): void;
  /** Sets the delay added before each request is forwarded (a simulated round trip). */
  setDelayMs(ms: number): void;
  /** Throttles matching requests from now on (`{}` turns it off); restarts the random sequence and fills the bucket. */
  setThrottling(mode: ThrottlingMode): void;
  /** Adds a rule (tried in the order added); returns a function that removes it. */
  add(rule: ProxyRule): () => void;
  /** Rules with a limited number of uses that have uses left. */
  pending(): number;
  /** Calls `listener` with each request and its answer, moto's or the proxy's own. Returns a function that stops it. */
  observe(listener: (exchange: ProxiedExchange) => void): () => void;
  /** The account whose `AssumeRole` answer issued this access key id, if the proxy relayed it. */
  accountOf(accessKeyId: string): string | undefined;
  /** Stops the proxy. */
  close(): Promise<void>;
}

/** One request, as the rules see it. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The service of the SigV4 credential scope (`iam`, `sts`, `dynamodb`, `sqs`, …), or `?`. */
  readonly service: string;
  /** The query protocol's `Action`, or the JSON protocol's `X-Amz-Target` operation, or `?`. */
  readonly action: string;
  /** The form body (query protocol: `Action=…&UserName=…`); empty for other protocols. */
  readonly form: URLSearchParams;
  /** The access key id that signed the request. @default undefined: unsigned */
  readonly accessKeyId?: string;
  /** The account whose assumed-role session signed it. @default undefined: not a session this proxy relayed */
  readonly account?: string;
}

/** A request and its answer. */
export interface ProxiedExchange {
  readonly request: ProxiedRequest;
  readonly status: number;
  readonly body: Buffer;
  /** True when the proxy answered (a rule or throttling) and moto never saw the request. */
  readonly answeredByProxy: boolean;
}

/** An answer the proxy gives instead of moto. */
export interface ProxyAnswer {
  readonly status: number;
  readonly body: string;
  /** @default "text/xml" */
  readonly contentType?: string;
  /** Further headers (DynamoDB's `x-amzn-errortype`, say). @default none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What to do with matching requests. */
export interface ProxyRule {
  /** True for the requests this rule is about. */
  readonly matches: (request: ProxiedRequest) => boolean;
  /** How many matching requests it applies to. @default unlimited */
  readonly times?: number;
  /** Runs before the request goes on: what it changes in moto is what the request then sees. */
  readonly before?: (request: ProxiedRequest) => Promise<void> | void;
  /** The proxy's own answer; moto never sees the request. @default undefined: forwarded */
  readonly answer?: (request: ProxiedRequest) => ProxyAnswer;
}

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
  /** Only these requests are throttled. @default every request */
  readonly matches?: (request: ProxiedRequest) => boolean;
}

/** What the proxy let through and what it answered itself since the last {@link MotoProxy.reset}. */
export interface ProxyTraffic {
  /** Requests forwarded to moto. */
  readonly forwarded: number;
  /** Requests answered with `Throttling` by the throttling mode. */
  readonly throttled: number;
  /** Milliseconds between the first and the last forwarded request. */
  readonly forwardingMs: number;
}

/** An error answer of the AWS query protocol (IAM, STS). */
export function queryError(status: number, code: string, message: string): ProxyAnswer {
  return {
    status,
    body:
      `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>",
  };
}

/** DynamoDB's JSON-protocol error answer, e.g. `AccessDeniedException` (400, which the SDK does not retry). */
export function dynamoDbError(code: string, message: string): ProxyAnswer {
  return {
    status: 400,
    contentType: "application/x-amz-json-1.0",
    headers: { "x-amzn-errortype": code },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }),
  };
}

/** The REST-JSON protocol's error answer (Security Hub: `AccessDeniedException` 403, `LimitExceededException` 429). */
export function restJsonError(status: number, code: string, message: string): ProxyAnswer {
  return {
    status,
    contentType: "application/json",
    headers: { "x-amzn-errortype": code },
    body: JSON.stringify({ __type: code, message, Message: message }),
  };
}

/** IAM's throttling error (HTTP 400, code `Throttling`). */
export const THROTTLING_ANSWER = queryError(400, "Throttling", "Rate exceeded");

/** STS's answer when the role does not exist or does not trust the caller (AWS does not say which). */
export function assumeRoleDenied(roleArn: string): ProxyAnswer {
  return queryError(
    403,
    "AccessDenied",
    `User: arn:aws:iam::123456789012:user/operator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  );
}

/** A rule answering `AssumeRole` into these accounts with `AccessDenied`: "an account without the member role". */
export function denyAssumeRoleInto(accounts: readonly string[]): ProxyRule {
  const target = (request: ProxiedRequest) => request.form.get("RoleArn")?.split(":")[4];
  return {
    matches: (request) => request.action === "AssumeRole" && accounts.includes(target(request) ?? ""),
    answer: (request) => assumeRoleDenied(request.form.get("RoleArn") ?? ""),
  };
}

/** Matches requests of `service` signed by an assumed-role session in `account`. */
export function signedIn(account: string, service?: string): (request: ProxiedRequest) => boolean {
  return (request) => request.account === account && (service === undefined || request.service === service);
}

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
function throttler(mode: ThrottlingMode, clock: () => number): (request: ProxiedRequest) => boolean {
  const random = seededRandom(mode.seed ?? 1);
  const rate = mode.bucketRate;
  const burst = mode.bucketBurst ?? rate ?? 0;
  let tokens = burst;
  let refilledAt = clock();
  return (request) => {
    if (mode.matches && !mode.matches(request)) return false;
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

/** What the proxy reads from a request before deciding anything. */
function describeRequest(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  sessions: ReadonlyMap<string, string>,
): ProxiedRequest {
  const contentType = String(headers["content-type"] ?? "");
  const form = contentType.includes("x-www-form-urlencoded")
    ? new URLSearchParams(body.toString("utf8"))
    : new URLSearchParams();
  const target = typeof headers["x-amz-target"] === "string" ? headers["x-amz-target"] : undefined;
  const action = form.get("Action") ?? target?.split(".").pop() ?? "?";
  // `AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, …`
  const credential = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ""));
  const accessKeyId = credential?.[1];
  const account = accessKeyId ? sessions.get(accessKeyId) : undefined;
  return {
    method,
    path,
    headers,
    body,
    service: credential?.[2] ?? "?",
    action,
    form,
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(account ? { account } : {}),
  };
}

/** Starts the proxy on a free loopback port, forwarding to `upstream` (moto's endpoint). */
export async function startMotoProxy(upstream: string): Promise<MotoProxy> {
  const target = new URL(upstream);
  const counts = new Map<string, number>();
  const answered = new Map<string, number>();
  const byService = new Map<string, number>();
  const sessions = new Map<string, string>();
  const rules: { rule: ProxyRule; left: number }[] = [];
  const listeners = new Set<(exchange: ProxiedExchange) => void>();
  let delayMs = 0;
  let throttle: (request: ProxiedRequest) => boolean = () => false;
  let forwarded = 0;
  let throttled = 0;
  let firstForwardAt: number | undefined;
  let lastForwardAt: number | undefined;
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const forward = (
    request: ProxiedRequest,
    reply: (status: number, headers: IncomingHttpHeaders, body: Buffer) => void,
  ) => {
    const outgoing = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: request.method,
        path: request.path,
        // moto does not check signatures, so the changed Host header is harmless.
        headers: { ...request.headers, host: target.host },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => reply(response.statusCode ?? 502, response.headers, Buffer.concat(chunks)));
      },
    );
    outgoing.on("error", (error) => reply(502, { "content-type": "text/plain" }, Buffer.from(String(error))));
    outgoing.end(request.body);
  };

  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const request = describeRequest(
        incoming.method ?? "POST",
        incoming.url ?? "/",
        incoming.headers,
        Buffer.concat(chunks),
        sessions,
      );
      bump(counts, request.action);
      bump(byService, request.service);
      const answer = (reply: ProxyAnswer) => {
        bump(answered, request.action);
        for (const listener of listeners)
          listener({ request, status: reply.status, body: Buffer.from(reply.body), answeredByProxy: true });
        // Without a Date header: a container whose clock runs days ahead would otherwise see the skew
        // on this answer, correct its clock and retry the request past the rule.
        response.sendDate = false;
        response.writeHead(reply.status, { ...reply.headers, "content-type": reply.contentType ?? "text/xml" });
        response.end(reply.body);
      };
      const entry = rules.find((candidate) => candidate.left > 0 && candidate.rule.matches(request));
      if (entry) {
        entry.left -= 1;
        await entry.rule.before?.(request);
        if (entry.rule.answer) return answer(entry.rule.answer(request));
      }
      if (throttle(request)) {
        throttled += 1;
        return answer(THROTTLING_ANSWER);
      }
      forwarded += 1;
      firstForwardAt ??= performance.now();
      lastForwardAt = performance.now();
      const send = () =>
        forward(request, (status, headers, body) => {
          if (request.action === "AssumeRole" && status === 200) learnSession(request, body);
          for (const listener of listeners) listener({ request, status, body, answeredByProxy: false });
          const { "transfer-encoding": _chunked, "content-length": _length, ...kept } = headers;
          response.writeHead(status, { ...kept, "content-length": body.length });
          response.end(body);
        });
      if (delayMs > 0) setTimeout(send, delayMs);
      else send();
    });
  });

  /** Remembers which account the session key id of an `AssumeRole` answer acts in. */
  function learnSession(request: ProxiedRequest, body: Buffer): void {
    const account = request.form.get("RoleArn")?.split(":")[4];
    const keyId = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(body.toString("utf8"))?.[1];
    if (account && keyId) sessions.set(keyId, account);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    answered,
    total: (service) =>
      service === undefined ? [...counts.values()].reduce((sum, n) => sum + n, 0) : (byService.get(service) ?? 0),
    traffic: () => ({
      forwarded,
      throttled,
      forwardingMs: firstForwardAt !== undefined && lastForwardAt !== undefined ? lastForwardAt - firstForwardAt : 0,
    }),
    reset: () => {
      counts.clear();
      answered.clear();
      byService.clear();
      forwarded = 0;
      throttled = 0;
      firstForwardAt = undefined;
      lastForwardAt = undefined;
    },
    setDelayMs: (ms) => {
      delayMs = ms;
    },
    setThrottling: (mode) => {
      throttle = throttler(mode, () => performance.now());
    },
    add: (rule) => {
      const entry = { rule, left: rule.times ?? Number.POSITIVE_INFINITY };
      rules.push(entry);
      return () => {
        const index = rules.indexOf(entry);
        if (index >= 0) rules.splice(index, 1);
      };
    },
    pending: () => rules.filter((entry) => Number.isFinite(entry.left) && entry.left > 0).length,
    observe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    accountOf: (accessKeyId) => sessions.get(accessKeyId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
