import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** A request as the proxy sees it: the JSON protocols (DynamoDB) name the operation in `x-amz-target`. */
export interface InterceptedRequest {
  /** The `x-amz-target` header (`DynamoDB_20120810.PutItem`), or "" for the query protocol. */
  readonly target: string;
  /** The raw body. */
  readonly body: string;
}

/** The answer a rule gives instead of forwarding the request. */
export interface InterceptReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A hook that runs once, on the first request that matches. */
export interface InterceptRule {
  /** True for the request to hook (the AWS query protocol sends `Action=…&UserName=…` as the form). */
  readonly matches: (form: URLSearchParams, request: InterceptedRequest) => boolean;
  /** Runs before the request is forwarded: the change it makes is what the request then sees. @default nothing */
  readonly before?: () => Promise<void>;
  /** Answers the request instead of forwarding it (an AWS error, say). @default undefined: forwarded */
  readonly reply?: InterceptReply;
}

/** DynamoDB's JSON-protocol error reply, e.g. `AccessDeniedException` (400, which the SDK does not retry). */
export function dynamoDbError(code: string, message: string): InterceptReply {
  return {
    status: 400,
    headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-errortype": code },
    body: JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${code}`, message }),
  };
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
      const text = body.toString();
      const form = new URLSearchParams(text);
      const target = String(request.headers["x-amz-target"] ?? "");
      const index = rules.findIndex((rule) => rule.matches(form, { target, body: text }));
      if (index >= 0) {
        const [rule] = rules.splice(index, 1);
        await rule.before?.();
        if (rule.reply) {
          // Without a Date header: a container whose clock runs days ahead would otherwise see the
          // skew on this error, correct its clock and retry the request past the rule.
          response.sendDate = false;
          response.writeHead(rule.reply.status, rule.reply.headers);
          response.end(rule.reply.body);
          return;
        }
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
