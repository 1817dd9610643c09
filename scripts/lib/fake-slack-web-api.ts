import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SlackMessage } from "../../handler/slack/slack-message";
import { createRateLimits, type RateLimitOptions } from "./fake-slack-rate-limits";

/** A scripted answer to one Web API call; without a script the server answers as Slack would. */
export interface FakeSlackApiReply {
  /** HTTP status. @default 200 */
  readonly status?: number;
  /** The JSON body, such as `{ ok: false, error: "not_in_channel" }`. @default undefined: Slack's own answer */
  readonly body?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Holds the request this long before handling it: a slow or hanging Slack. A client that gives up
   * (closes the connection) before then is never answered, and its call has no effect. @default 0
   */
  readonly delayMs?: number;
}

/** One Web API call the fake received. */
export interface ReceivedCall {
  /** `Date.now()` when the request arrived. */
  readonly at: number;
  /** The method, such as `chat.postMessage`. */
  readonly method: string;
  /** The parameters, from a JSON or a form body. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** A message the fake accepted through `chat.postMessage`. */
export interface ReceivedMessage {
  readonly at: number;
  /** The channel as given: a channel id or name, a user id (a direct message) or a `D…` conversation. */
  readonly channel: string;
  /** The member a direct message went to. @default undefined: a channel message */
  readonly directTo?: string;
  readonly payload: SlackMessage;
}

/** Options of {@link startFakeSlackWebApi}. */
export interface FakeSlackWebApiOptions {
  /** Members by email address; `users.lookupByEmail` finds these. @default {} */
  readonly users?: Readonly<Record<string, string>>;
  /** Channels the app is a member of, by id or `#name`. @default ["#key-age"] */
  readonly channels?: readonly string[];
  /** Channels that exist but the app was not invited to. @default [] */
  readonly channelsWithoutApp?: readonly string[];
  /**
   * Slack's rate limits, answered with 429 and `Retry-After` (see fake-slack-rate-limits.ts); `false`
   * turns them off. @default Slack's tiers: users.lookupByEmail 50 a minute, about 1 message a second per channel
   */
  readonly rateLimits?: RateLimitOptions | false;
}

/** A loopback HTTP server that plays the Slack Web API for one workspace and one bot token. */
export interface FakeSlackWebApi {
  /** Base URL for `SLACK_API_URL`, ending in `/`. */
  readonly apiUrl: string;
  /** The bot token the fake accepts; any other is `invalid_auth`. */
  readonly token: string;
  /** Every call received since the last {@link FakeSlackWebApi.reset}. */
  readonly calls: ReceivedCall[];
  /** Messages accepted since the last reset, channel and direct ones. */
  readonly messages: ReceivedMessage[];
  /** 429s answered because of the rate limits, per method, since the last reset. */
  readonly rateLimited: ReadonlyMap<string, number>;
  /**
   * Requests that arrived while an earlier 429 on the same method still said to wait (after a short
   * grace for requests already on the wire), per method, since the last reset.
   */
  readonly earlyRequests: ReadonlyMap<string, number>;
  /** Called with each message Slack accepts, as it is accepted. @default none */
  onMessage?: (message: ReceivedMessage) => void;
  /**
   * Queues answers for the next calls of `method`; `"chat.postMessage U0ALICE"` (or
   * `"users.lookupByEmail alice@example.com"`) scripts only the calls for that channel, member or
   * address, so the others are answered as usual. A reply without a body is Slack's own answer.
   */
  script(method: string, ...replies: FakeSlackApiReply[]): void;
  /** Clears calls, messages, scripts and the rate limits' windows. */
  reset(): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts the fake on 127.0.0.1 and a free port. It implements what the monitor uses, with Slack's
 * answers: `chat.postMessage` (to a channel, a member id or an opened `D…` conversation;
 * `channel_not_found`, `not_in_channel`), `users.lookupByEmail` (`users_not_found`) and
 * `conversations.open`; a wrong token is `invalid_auth` everywhere; Slack's rate limits per method
 * (429 `ratelimited` with `Retry-After`). Scripted replies play the rest (`account_inactive`,
 * `missing_scope`, 5xx, a slow or hanging answer).
 */
export async function startFakeSlackWebApi(options: FakeSlackWebApiOptions = {}): Promise<FakeSlackWebApi> {
  const token = "xoxb-0000000000-fake-s3cr3tb0tt0k3n";
  const users = new Map(Object.entries(options.users ?? {}).map(([email, id]) => [email.toLowerCase(), id]));
  const members = new Set(users.values());
  const channels = new Set(options.channels ?? ["#key-age"]);
  const outside = new Set(options.channelsWithoutApp ?? []);
  const known = (channel: string, set: ReadonlySet<string>) =>
    set.has(channel) || set.has(`#${channel}`) || set.has(channel.replace(/^#/, ""));
  const conversations = new Map<string, string>();
  const calls: ReceivedCall[] = [];
  const messages: ReceivedMessage[] = [];
  let scripts = new Map<string, FakeSlackApiReply[]>();
  let fake: FakeSlackWebApi | undefined;
  const limits = options.rateLimits === false ? undefined : createRateLimits(options.rateLimits ?? {});
  const timers = new Set<NodeJS.Timeout>();

  const scriptFor = (method: string, params: Readonly<Record<string, unknown>>): FakeSlackApiReply | undefined =>
    scripts.get(`${method} ${String(params.channel ?? params.email ?? "")}`)?.shift() ?? scripts.get(method)?.shift();

  const answer = (
    method: string,
    params: Readonly<Record<string, unknown>>,
    authorized: boolean,
    at: number,
  ): { status?: number; body: Readonly<Record<string, unknown>>; headers?: Readonly<Record<string, string>> } => {
    if (!authorized) return { body: { ok: false, error: "invalid_auth" } };
    const verdict = limits?.check(method, typeof params.channel === "string" ? params.channel : undefined, at);
    if (verdict && !verdict.allowed) {
      return {
        status: 429,
        body: { ok: false, error: "ratelimited" },
        headers: { "retry-after": String(verdict.retryAfterS) },
      };
    }
    switch (method) {
      case "users.lookupByEmail": {
        const id = users.get(String(params.email ?? "").toLowerCase());
        return id
          ? { body: { ok: true, user: { id, profile: { email: params.email } } } }
          : { body: { ok: false, error: "users_not_found" } };
      }
      case "conversations.open": {
        const user = String(params.users ?? "");
        if (!members.has(user)) return { body: { ok: false, error: "user_not_found" } };
        const id = `D${user.slice(1)}`;
        conversations.set(id, user);
        return { body: { ok: true, channel: { id } } };
      }
      case "chat.postMessage": {
        const channel = String(params.channel ?? "");
        const directTo = members.has(channel) ? channel : conversations.get(channel);
        if (directTo === undefined && known(channel, outside)) return { body: { ok: false, error: "not_in_channel" } };
        if (directTo === undefined && !known(channel, channels)) {
          return { body: { ok: false, error: "channel_not_found" } };
        }
        const payload = { text: String(params.text ?? ""), blocks: (params.blocks ?? []) as SlackMessage["blocks"] };
        const message = { at, channel, ...(directTo ? { directTo } : {}), payload };
        messages.push(message);
        fake?.onMessage?.(message);
        return {
          body: { ok: true, channel, ts: `${Math.floor(at / 1000)}.${String(messages.length).padStart(6, "0")}` },
        };
      }
      default:
        return { body: { ok: false, error: "unknown_method" } };
    }
  };

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const method = (request.url ?? "").replace(/^\/api\//, "").replace(/\?.*$/, "");
      const params = parseParams(body, request.headers["content-type"] ?? "");
      calls.push({ at: Date.now(), method, params });
      const authorized = request.headers.authorization === `Bearer ${token}`;
      const scripted = scriptFor(method, params);
      const handle = (): void => {
        // A client that gave up while the request was held never reached Slack's handling.
        if (response.destroyed || request.socket.destroyed) return;
        const at = Date.now();
        const reply = scripted?.body ? scripted : { ...answer(method, params, authorized, at), ...scripted };
        response.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
        response.end(JSON.stringify(reply.body));
      };
      if (!scripted?.delayMs) return handle();
      const timer = setTimeout(() => {
        timers.delete(timer);
        handle();
      }, scripted.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  fake = {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    token,
    calls,
    messages,
    rateLimited: limits?.limited ?? new Map(),
    earlyRequests: limits?.early ?? new Map(),
    script: (method, ...replies) => void scripts.set(method, [...(scripts.get(method) ?? []), ...replies]),
    reset: () => {
      calls.length = 0;
      messages.length = 0;
      scripts = new Map();
      limits?.reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

function parseParams(body: string, contentType: string): Record<string, unknown> {
  if (contentType.startsWith("application/json")) {
    try {
      return JSON.parse(body || "{}") as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}
