/**
 * What the RPC-style products the emulator serves share: the handler shape, and the parameter
 * readers that turn Alibaba's flattened form parameters (`Tag.1.Key`, `ResourceId.1`, JSON-string
 * lists) into values, answering `MissingParameter` / `InvalidParameter` as the gateway does.
 *
 * @packageDocumentation
 */
import type { EmulatorBehaviour } from "./behaviour";
import { ApiError, missingParameterMessage } from "./errors";
import { keyMap } from "./records";

/** What an RPC action handler gets. */
export interface RpcCall {
  /** The account the verified AccessKey belongs to. */
  readonly accountId: string;
  /** The AccessKey id that signed the call. */
  readonly accessKeyId: string;
  /** The region of the endpoint called. */
  readonly region: string;
  /** The request id the answer carries. */
  readonly requestId: string;
  /** The decoded API parameters (query and form body). */
  readonly params: Readonly<Record<string, string>>;
  /** The emulator's clock, epoch ms. */
  readonly now: number;
  /** The behaviour switches in force. */
  readonly behaviour: EmulatorBehaviour;
}

/** An action handler: the JSON answer without `RequestId` (added by the server), or a thrown {@link ApiError}. */
export type RpcHandler = (
  call: RpcCall,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** One RPC product (API name and version) and the actions the emulator serves for it. */
export interface RpcProduct {
  /** The product code as the troubleshooting link names it, e.g. `"Ram"`. */
  readonly name: string;
  /** The API version, e.g. `"2015-05-01"`. */
  readonly version: string;
  /** The real endpoint host for `region`, shown as `HostId` in errors. */
  readonly host: (region: string) => string;
  /** Action → handler. */
  readonly actions: Readonly<Record<string, RpcHandler>>;
}

/** An action handler over a product's state `S`: `state` is the product's, bound by {@link bindActions}. */
export type StateAction<S> = (
  state: S,
  call: RpcCall,
) => Promise<Record<string, unknown>> | Record<string, unknown>;

/** The handlers of a product's action table, each bound to the product's `state`. */
export function bindActions<S>(
  state: S,
  actions: Readonly<Record<string, StateAction<S>>>,
): Readonly<Record<string, RpcHandler>> {
  return keyMap(
    Object.entries(actions).map(([name, action]): [string, RpcHandler] => [
      name,
      (call) => action(state, call),
    ]),
  );
}

/** A required string parameter; `MissingParameter` when absent or empty. */
export function required(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === "")
    throw new ApiError("MissingParameter", missingParameterMessage(name));
  return value;
}

/** `InvalidParameter` naming `name`. */
export function invalidParameter(name: string, reason: string): ApiError {
  return new ApiError("InvalidParameter", `Specified parameter ${name} is not valid: ${reason}`);
}

/**
 * An optional integer parameter within `[min, max]`; `undefined` when absent.
 *
 * @example
 * ```ts
 * integerParam({ VisibilityTimeout: "60" }, "VisibilityTimeout", 1, 43200); // 60
 * ```
 */
export function integerParam(
  params: Readonly<Record<string, string>>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = params[name];
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max)
    throw invalidParameter(name, `it must be an integer from ${min} to ${max}.`);
  return value;
}

/** An optional boolean parameter (`true` / `false`, any case); `undefined` when absent. */
export function booleanParam(
  params: Readonly<Record<string, string>>,
  name: string,
): boolean | undefined {
  const text = params[name];
  if (text === undefined || text === "") return undefined;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  throw invalidParameter(name, "it must be true or false.");
}

function parseJsonParam(params: Readonly<Record<string, string>>, name: string): unknown {
  try {
    return JSON.parse(params[name]);
  } catch {
    throw invalidParameter(name, "it must be a JSON array.");
  }
}

/**
 * A list parameter, sent flattened (`Name.1`, `Name.2`, ...) or as one JSON array string (`Name`).
 *
 * @example
 * ```ts
 * listParam({ "ResourceId.1": "a", "ResourceId.2": "b" }, "ResourceId"); // ["a", "b"]
 * listParam({ ResourceNames: '["p1"]' }, "ResourceNames"); // ["p1"]
 * ```
 */
export function listParam(params: Readonly<Record<string, string>>, name: string): string[] {
  if (params[name] !== undefined && params[name] !== "") {
    const value = parseJsonParam(params, name);
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string"))
      throw invalidParameter(name, "it must be a JSON array of strings.");
    return value as string[];
  }
  const result: string[] = [];
  for (let i = 1; params[`${name}.${i}`] !== undefined; i++) result.push(params[`${name}.${i}`]);
  return result;
}

/**
 * A tag list parameter, sent flattened (`Tag.1.Key`, `Tag.1.Value`, ...) or as a JSON array of
 * `{ Key, Value }` (`Tag`), as an object without a prototype (a key may be `__proto__`).
 *
 * @example
 * ```ts
 * tagsParam({ "Tag.1.Key": "env", "Tag.1.Value": "dev" }); // { env: "dev" }
 * ```
 */
export function tagsParam(
  params: Readonly<Record<string, string>>,
  name = "Tag",
): Record<string, string> {
  const tags = keyMap<string>();
  if (params[name] !== undefined && params[name] !== "") {
    const value = parseJsonParam(params, name);
    if (!Array.isArray(value))
      throw invalidParameter(name, "it must be a JSON array of { Key, Value }.");
    for (const item of value as { Key?: unknown; Value?: unknown }[]) {
      if (typeof item?.Key !== "string" || item.Key === "")
        throw invalidParameter(name, "every tag needs a Key.");
      tags[item.Key] = item.Value === undefined || item.Value === null ? "" : String(item.Value);
    }
    return tags;
  }
  for (let i = 1; params[`${name}.${i}.Key`] !== undefined; i++)
    tags[params[`${name}.${i}.Key`]] = params[`${name}.${i}.Value`] ?? "";
  return tags;
}

/** Alibaba's UTC time format without milliseconds, e.g. `2026-11-28T01:02:03Z`. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
