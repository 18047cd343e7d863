/**
 * The runtime's one RPC client: Alibaba's generic OpenAPI runtime (`@alicloud/openapi-core`) with
 * its real request signing, an endpoint, a per-attempt timeout and one retry loop. What an answer or
 * a failure means is the caller's: the IMS client and the queue guard each read their own.
 *
 * @packageDocumentation
 */
import type Credential from "@alicloud/credentials";
import OpenApi, { $OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";

/** When and how often a failed call is tried again. */
export interface RetryPolicy {
  /**
   * Total attempts, the first included.
   *
   * @default 5
   */
  readonly maxAttempts: number;
  /**
   * Delay before the first retry; doubles each time.
   *
   * @default 200 (ms)
   */
  readonly baseDelayMs: number;
  /**
   * Upper bound of one delay.
   *
   * @default 3000 (ms)
   */
  readonly maxDelayMs: number;
}

/** Where requests go: the runtime's `endpoint` (`host[:port]`) and `protocol`. */
export interface RpcEndpoint {
  readonly endpoint: string;
  readonly protocol: "http" | "https";
}

/** Splits an endpoint (`host[:port]`, or a URL such as `http://127.0.0.1:4101`) into an {@link RpcEndpoint}. */
export function parseEndpoint(value: string): RpcEndpoint {
  const match = /^(https?):\/\/([^/]+)\/?$/i.exec(value.trim());
  if (match) {
    return { endpoint: match[2], protocol: match[1].toLowerCase() as "http" | "https" };
  }
  return { endpoint: value.trim().replace(/\/$/, ""), protocol: "https" };
}

/** Options of {@link RpcClient}. */
export interface RpcClientOptions {
  /** The region called, e.g. `"cn-shanghai"`. */
  readonly region: string;
  /** The API version of the product, e.g. IMS's `"2020-11-09"`. */
  readonly apiVersion: string;
  /** Credentials (the chain's, see `resolveCredential`). */
  readonly credential: Credential;
  /** Where requests go. */
  readonly endpoint: RpcEndpoint;
  /** Per-attempt timeout (connect and read), in ms. */
  readonly timeoutMs: number;
  /** When and how often a failed attempt is tried again. */
  readonly retry: RetryPolicy;
  /**
   * Request signature: `"v3"` (ACS3-HMAC-SHA256) or `"v2"` (HMAC-SHA1).
   *
   * @default "v3"
   */
  readonly signatureVersion?: "v3" | "v2";
  /**
   * Sleep function, injectable for tests.
   *
   * @default a timer.
   */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What one attempt gave: the answer's body, or what the runtime threw. */
export type RpcOutcome = { readonly body: unknown } | { readonly error: unknown };

/** What the caller makes of one attempt: its value, or a failure and whether to try again. */
export type RpcVerdict<T> =
  { readonly value: T } | { readonly failure: Error; readonly retryable: boolean };

/** One product's RPC API in one region. */
export class RpcClient {
  /** The region called. */
  readonly region: string;
  /** `host[:port]` as messages show it (no user info, no path). */
  readonly host: string;
  /** Per-attempt timeout, in ms. */
  readonly timeoutMs: number;
  private readonly credential: Credential;
  private readonly retry: RetryPolicy;
  private readonly apiVersion: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly api: OpenApi;

  constructor(options: RpcClientOptions) {
    this.region = options.region;
    this.timeoutMs = options.timeoutMs;
    this.credential = options.credential;
    this.retry = options.retry;
    this.apiVersion = options.apiVersion;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    const { endpoint, protocol } = options.endpoint;
    this.host = endpoint.replace(/^.*@/, "");
    this.api = new OpenApi(
      new $OpenApiUtil.Config({
        credential: options.credential,
        endpoint,
        protocol,
        regionId: options.region,
        readTimeout: options.timeoutMs,
        connectTimeout: options.timeoutMs,
        signatureAlgorithm: options.signatureVersion === "v2" ? "v2" : undefined,
        userAgent: "pulumi-alicloud-ims-callback",
      }),
    );
  }

  /**
   * The credential's secret and token, which no message may hold. Throws what the credential chain
   * throws, so that a lookup failure is not reported as a failure of the call.
   */
  async credentialSecrets(): Promise<string[]> {
    const { accessKeySecret, securityToken } = await this.credential.getCredential();
    return [accessKeySecret, securityToken].filter(
      (v): v is string => typeof v === "string" && v !== "",
    );
  }

  /**
   * Calls `action` with `query` until `judge` makes a value of an attempt, gives up on a failure it
   * does not retry, or the policy's attempts are spent (then the last failure is thrown).
   */
  async call<T>(
    action: string,
    query: Record<string, string>,
    judge: (outcome: RpcOutcome, attempt: number) => RpcVerdict<T>,
  ): Promise<T> {
    const params = new $OpenApiUtil.Params({
      action,
      version: this.apiVersion,
      protocol: "HTTPS",
      pathname: "/",
      method: "POST",
      authType: "AK",
      style: "RPC",
      reqBodyType: "formData",
      bodyType: "json",
    });
    for (let attempt = 1; ; attempt++) {
      const verdict = judge(await this.attempt(params, query), attempt);
      if ("value" in verdict) return verdict.value;
      if (!verdict.retryable || attempt >= this.retry.maxAttempts) throw verdict.failure;
      await this.sleep(retryDelayMs(this.retry, attempt));
    }
  }

  private async attempt(
    params: $OpenApiUtil.Params,
    query: Record<string, string>,
  ): Promise<RpcOutcome> {
    try {
      const response = (await this.api.callApi(
        params,
        new $OpenApiUtil.OpenApiRequest({ query: { ...query } }),
        new RuntimeOptions({
          readTimeout: this.timeoutMs,
          connectTimeout: this.timeoutMs,
          autoretry: false,
        }),
      )) as { body?: unknown };
      return { body: response.body };
    } catch (error) {
      return { error };
    }
  }
}

/**
 * The delay after failed attempt `attempt`: the policy's base delay doubling up to its cap, drawn
 * between half the cap and the cap ("equal jitter").
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

/** A service message without anything that can echo the request (a string to sign). */
export function withoutStringToSign(message: string): string {
  return message.replace(/\s*(?:server )?string ?to ?sign(?: is)?\s*:.*$/is, "").trim();
}
