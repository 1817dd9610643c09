import type { MotoProxy, ProxiedExchange } from "./moto-proxy";

/** What DynamoDB calls through the proxy cost, as DynamoDB bills them (on-demand request units). */
export interface DynamoDbTraffic {
  /** Calls per action (`Query`, `PutItem`, …). */
  readonly calls: Readonly<Record<string, number>>;
  /** Items DynamoDB read to answer (a Scan's filtered-out items included). */
  readonly itemsRead: number;
  /** Read request units: per response, its items' size in 4 KB steps; half for an eventually consistent read. */
  readonly readUnits: number;
  /** Write request units: per item written or deleted, its size in 1 KB steps (at least one). */
  readonly writeUnits: number;
}

/** A meter of one table's DynamoDB traffic through the proxy, from the requests and answers it relays. */
export interface DynamoDbMeter {
  /** The traffic since the meter started or was last reset. */
  traffic(): DynamoDbTraffic;
  reset(): void;
  stop(): void;
}

type AttributeValue = Readonly<Record<string, unknown>>;

/**
 * An item's size as DynamoDB counts it (close enough for billing): each attribute's name plus its
 * value (strings in UTF-8 bytes, numbers about one byte per two digits, containers 3 bytes plus their
 * elements).
 */
export function itemSize(item: Readonly<Record<string, AttributeValue>>): number {
  return Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(value: AttributeValue): number {
  const [type, content] = Object.entries(value)[0] ?? ["NULL", true];
  switch (type) {
    case "S":
      return Buffer.byteLength(String(content));
    case "N":
      return Math.ceil(String(content).replace(/^-/, "").length / 2) + 1;
    case "B":
      return Math.ceil((String(content).length * 3) / 4);
    case "BOOL":
    case "NULL":
      return 1;
    case "SS":
    case "NS":
      return (content as string[]).reduce((sum, entry) => sum + valueSize({ [type.slice(0, 1)]: entry }), 0);
    case "L":
      return 3 + (content as AttributeValue[]).reduce((sum, entry) => sum + 1 + valueSize(entry), 0);
    case "M":
      return 3 + itemSize(content as Record<string, AttributeValue>) + Object.keys(content as object).length;
    default:
      return 0;
  }
}

/** Starts metering `tableName`'s traffic through `proxy`. */
export function meterDynamoDb(proxy: MotoProxy, tableName: string): DynamoDbMeter {
  const calls: Record<string, number> = {};
  let itemsRead = 0;
  let readUnits = 0;
  let writeUnits = 0;
  const stop = proxy.observe((exchange: ProxiedExchange) => {
    const { request } = exchange;
    if (request.service !== "dynamodb" || exchange.answeredByProxy) return;
    const input = JSON.parse(request.body.toString("utf8") || "{}") as Record<string, unknown>;
    const output = JSON.parse(exchange.body.toString("utf8") || "{}") as Record<string, unknown>;
    const consistent = input.ConsistentRead === true;
    const units = (bytes: number, step: number) => Math.max(1, Math.ceil(bytes / step));
    const reads = (items: readonly Record<string, AttributeValue>[], scanned: number) => {
      const bytes = items.reduce((sum, item) => sum + itemSize(item), 0);
      // A filtered Scan reads what it filters out too: scale by the share returned.
      const all = items.length > 0 ? (bytes * scanned) / items.length : 0;
      itemsRead += scanned;
      readUnits += units(all, 4096) * (consistent ? 1 : 0.5);
    };
    const action = request.action;
    if (action === "Query" || action === "Scan") {
      if (input.TableName !== tableName) return;
      const items = (output.Items ?? []) as Record<string, AttributeValue>[];
      reads(items, Number(output.ScannedCount ?? items.length));
    } else if (action === "GetItem") {
      if (input.TableName !== tableName) return;
      const item = output.Item as Record<string, AttributeValue> | undefined;
      reads(item ? [item] : [], item ? 1 : 0);
    } else if (action === "BatchGetItem") {
      const items = ((output.Responses ?? {}) as Record<string, Record<string, AttributeValue>[]>)[tableName] ?? [];
      if (items.length === 0 && !(tableName in ((input.RequestItems ?? {}) as object))) return;
      itemsRead += items.length;
      readUnits += items.reduce((sum, item) => sum + units(itemSize(item), 4096) * 0.5, 0);
    } else if (action === "PutItem" || action === "DeleteItem" || action === "UpdateItem") {
      if (input.TableName !== tableName) return;
      const item = (input.Item ?? input.Key ?? {}) as Record<string, AttributeValue>;
      writeUnits += units(itemSize(item), 1024);
    } else if (action === "BatchWriteItem") {
      const writes = (
        (input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item: Record<string, AttributeValue> } }[]>
      )[tableName];
      if (!writes) return;
      writeUnits += writes.reduce((sum, write) => sum + units(itemSize(write.PutRequest?.Item ?? {}), 1024), 0);
    } else {
      return;
    }
    calls[action] = (calls[action] ?? 0) + 1;
  });
  return {
    traffic: () => ({ calls: { ...calls }, itemsRead, readUnits, writeUnits }),
    reset: () => {
      for (const key of Object.keys(calls)) delete calls[key];
      itemsRead = 0;
      readUnits = 0;
      writeUnits = 0;
    },
    stop,
  };
}
