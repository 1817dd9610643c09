import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback proxy in front of moto that answers STS AssumeRole into the chosen accounts with AWS's
 * `AccessDenied`, and forwards everything else unchanged. moto lets any caller assume any role ARN,
 * role or no role; this is how tests and the demo show "an account without the member role".
 */
export interface DenyAssumeRoleProxy {
  /** Base URL to use as `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** AssumeRole calls refused so far. */
  readonly denied: () => number;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, forwarding to `upstream` (moto's endpoint). */
export async function startDenyAssumeRoleProxy(
  upstream: string,
  deniedAccounts: readonly string[],
): Promise<DenyAssumeRoleProxy> {
  const target = new URL(upstream);
  let denied = 0;
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const params = new URLSearchParams(body.toString("utf8"));
      const roleArn = params.get("Action") === "AssumeRole" ? (params.get("RoleArn") ?? "") : "";
      const account = roleArn.split(":")[4];
      if (account && deniedAccounts.includes(account)) {
        denied += 1;
        outgoing.writeHead(403, { "content-type": "text/xml" });
        outgoing.end(accessDenied(roleArn));
        return;
      }
      const forwarded = request(
        {
          hostname: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forwarded.on("error", (error) => {
        outgoing.writeHead(502);
        outgoing.end(String(error));
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    denied: () => denied,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** STS's answer when the role does not exist or does not trust the caller (AWS does not say which). */
function accessDenied(roleArn: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/operator is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message>
  </Error>
  <RequestId>00000000-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>
`;
}
