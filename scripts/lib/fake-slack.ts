import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SlackMessage } from "../../handler/slack/slack-message";

/** A scripted reply; without a script the server answers 200 `ok` like Slack. */
export interface FakeSlackReply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Delay before answering, to play a slow Slack. @default 0 */
  readonly delayMs?: number;
}

/** One request Slack received. */
export interface ReceivedPost {
  /** `Date.now()` when the request arrived. */
  readonly at: number;
  readonly path: string;
  readonly payload: SlackMessage;
  /** `Date.now()` when the client closed the connection before the answer (it gave up). @default undefined */
  abandonedAt?: number;
}

/** A loopback HTTP server that plays a Slack incoming webhook. */
export interface FakeSlack {
  /** The webhook URL, with a secret path. */
  readonly webhookUrl: string;
  /** The secret part of the URL, to check it never leaks. */
  readonly secret: string;
  /** Requests received since the last {@link FakeSlack.reset}. */
  readonly posts: ReceivedPost[];
  /** Queues replies for the next requests. */
  script(...replies: FakeSlackReply[]): void;
  /** Clears requests and script. */
  reset(): void;
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

/** Starts the fake Slack on 127.0.0.1 and a free port. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const secret = "T0FAKE/B0FAKE/s3cr3tW3bh00kT0k3n";
  const posts: ReceivedPost[] = [];
  let script: FakeSlackReply[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const path = request.url ?? "";
      const post: ReceivedPost = { at: Date.now(), path, payload: JSON.parse(body || "{}") as SlackMessage };
      posts.push(post);
      // A client that gives up (its timeout) closes the connection before the answer is written.
      response.on("close", () => {
        if (!response.writableFinished) post.abandonedAt = Date.now();
      });
      // Like Slack: an unknown webhook path is "no_service".
      const reply: FakeSlackReply =
        path !== `/services/${secret}`
          ? { status: 404, body: "no_service" }
          : (script.shift() ?? { status: 200, body: "ok" });
      const send = (): void => {
        if (response.destroyed) return;
        response.writeHead(reply.status, { "content-type": "text/plain", ...reply.headers });
        response.end(reply.body ?? "");
      };
      if (!reply.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, reply.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    webhookUrl: `http://127.0.0.1:${port}/services/${secret}`,
    secret,
    posts,
    script: (...replies) => void script.push(...replies),
    reset: () => {
      posts.length = 0;
      script = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
