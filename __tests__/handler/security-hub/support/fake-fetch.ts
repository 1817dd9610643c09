/** One request the hand-written Security Hub client sent, as fetch received it. */
export interface SentRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal?: AbortSignal;
}

/** What the fake answers: a response, or an error fetch rejects with (no answer at all). */
export type FakeAnswer =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  | Error;

/** A JSON error answer as Security Hub gives it. */
export function awsError(status: number, code: string, message: string, headers: Record<string, string> = {}) {
  return { status, body: { __type: code, message }, headers: { "x-amzn-errortype": code, ...headers } };
}

/**
 * A fetch that records each request and gives the answers in turn (the last one again once they run
 * out). It honours the abort signal like the real one.
 */
export function fakeFetch(...answers: FakeAnswer[]) {
  const sent: SentRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) {
      headers[name.toLowerCase()] = value;
    }
    const signal = init.signal ?? undefined;
    sent.push({
      url: String(input),
      method: init.method ?? "GET",
      headers,
      body: String(init.body ?? ""),
      ...(signal ? { signal } : {}),
    });
    if (signal?.aborted) throw new DOMException("This operation was aborted", "AbortError");
    const answer = answers[Math.min(sent.length - 1, answers.length - 1)] ?? { status: 200, body: {} };
    if (answer instanceof Error) throw answer;
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
    return new Response(text, {
      status: answer.status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

/** A sleep that records the waits and returns at once. */
export function recordingSleep() {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  };
}
