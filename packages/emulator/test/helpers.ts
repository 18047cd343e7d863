/**
 * Test helpers: temp dirs, Alibaba's own SDK client, and hand-built requests signed with Alibaba's
 * own signing functions (so the emulator is never checked against a signer written here).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "node:querystring";
import { createHash } from "node:crypto";
import OpenApi, { $OpenApiUtil, OpenApiUtil } from "@alicloud/openapi-core";
import { RuntimeOptions } from "@darabonba/typescript";
import { DEFAULT_TEST_ACCOUNT } from "../src";

export const KEY = DEFAULT_TEST_ACCOUNT.accessKeys[0];
export const STS = DEFAULT_TEST_ACCOUNT.stsTokens![0];
export const VERSION = "2020-11-09";

const dirs: string[] = [];

/** A fresh temp dir, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "ims-emulator-test-"));
  dirs.push(dir);
  return dir;
}

/** Removes every temp dir made by {@link tempDir}. */
export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Options of {@link sdkClient}. */
export interface SdkClientOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  v2?: boolean;
}

/** Alibaba's OpenAPI client pointed at an emulator endpoint URL. */
export function sdkClient(endpoint: string, options: SdkClientOptions = {}): OpenApi {
  return new OpenApi(
    new $OpenApiUtil.Config({
      accessKeyId: options.accessKeyId ?? KEY.id,
      accessKeySecret: options.accessKeySecret ?? KEY.secret,
      ...(options.securityToken ? { securityToken: options.securityToken } : {}),
      endpoint: new URL(endpoint).host,
      protocol: "http",
      ...(options.v2 ? { signatureAlgorithm: "v2" } : {}),
    }),
  );
}

/** Calls an IMS action through the SDK exactly as the generated ICE client does. */
export async function callSdk(
  client: OpenApi,
  action: string,
  query: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const params = new $OpenApiUtil.Params({
    action,
    version: VERSION,
    protocol: "HTTP",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const response = await client.callApi(
    params,
    new $OpenApiUtil.OpenApiRequest({ query }),
    new RuntimeOptions({}),
  );
  return response.body as Record<string, unknown>;
}

/** Calls any RPC action (RAM, Mns-open, STS, ...) through the SDK, parameters form-encoded in the body as the alicloud plugin sends them. */
export async function callRpc(
  client: OpenApi,
  action: string,
  version: string,
  body: Record<string, string | number | boolean> = {},
): Promise<Record<string, unknown>> {
  const params = new $OpenApiUtil.Params({
    action,
    version,
    protocol: "HTTP",
    pathname: "/",
    method: "POST",
    authType: "AK",
    style: "RPC",
    reqBodyType: "formData",
    bodyType: "json",
  });
  const form = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)]));
  // Both this runtime and @alicloud/mns send through httpx's shared keep-alive agent. A read timer
  // this runtime leaves on a socket fires after readTimeout and makes the next @alicloud/mns call on
  // that socket fail with ReadTimeout; a long readTimeout keeps it from firing during a test.
  const response = await client.callApi(
    params,
    new $OpenApiUtil.OpenApiRequest({ body: form }),
    new RuntimeOptions({ readTimeout: 600_000 }),
  );
  return response.body as Record<string, unknown>;
}

/** The error an SDK call failed with (fails the test if it succeeded). */
export async function sdkError(
  call: Promise<unknown>,
): Promise<{ code: string; statusCode: number; data: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    return error as { code: string; statusCode: number; data: Record<string, unknown> };
  }
  throw new Error("expected the call to fail");
}

/** A request to send with {@link send}. */
export interface RawRequest {
  method: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP answer. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Sends `request` to `endpoint` with Node's query-string encoding, as the SDK runtime does. */
export function send(endpoint: string, request: RawRequest, path = "/"): Promise<RawResponse> {
  const url = new URL(endpoint);
  const query = stringify(request.query);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: query ? `${path}?${query}` : path,
        headers: {
          ...request.headers,
          ...(request.body ? { "content-length": String(Buffer.byteLength(request.body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(request.body);
  });
}

/** The JSON body of a response. */
export function json(response: RawResponse): Record<string, unknown> {
  return JSON.parse(response.text) as Record<string, unknown>;
}

/** Options of the hand-built signed requests. */
export interface SignOptions {
  endpoint: string;
  action?: string;
  version?: string;
  query?: Record<string, string>;
  /** Form body parameters. */
  body?: Record<string, string>;
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  /** Signing time. @default now */
  date?: Date;
  nonce?: string;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

let nonceCounter = 0;
function freshNonce(): string {
  return `test-nonce-${process.pid}-${Date.now()}-${++nonceCounter}`;
}

/** A V3 (ACS3-HMAC-SHA256) request built like the runtime's `doRequest`, signed by `OpenApiUtil.getAuthorization`. */
export function signedV3(options: SignOptions): RawRequest {
  const body = options.body ? stringify(options.body) : "";
  const headers: Record<string, string> = {
    host: new URL(options.endpoint).host,
    "x-acs-version": options.version ?? VERSION,
    "x-acs-action": options.action ?? "GetEventCallback",
    "x-acs-date": timestamp(options.date ?? new Date()),
    "x-acs-signature-nonce": options.nonce ?? freshNonce(),
    accept: "application/json",
    "x-acs-content-sha256": createHash("sha256").update(body).digest("hex"),
  };
  if (body) headers["content-type"] = "application/x-www-form-urlencoded";
  if (options.securityToken) {
    headers["x-acs-accesskey-id"] = options.accessKeyId ?? KEY.id;
    headers["x-acs-security-token"] = options.securityToken;
  }
  const query = { ...(options.query ?? {}) };
  const teaRequest = { method: "POST", pathname: "/", query, headers } as unknown as Parameters<
    typeof OpenApiUtil.getAuthorization
  >[0];
  headers.authorization = OpenApiUtil.getAuthorization(
    teaRequest,
    "ACS3-HMAC-SHA256",
    headers["x-acs-content-sha256"],
    options.accessKeyId ?? KEY.id,
    options.accessKeySecret ?? KEY.secret,
  );
  return { method: "POST", query, headers, body };
}

/** A V2 (HMAC-SHA1) request built like the runtime's `doRPCRequest`, signed by `OpenApiUtil.getRPCSignature`. */
export function signedV2(options: SignOptions): RawRequest {
  const query: Record<string, string> = {
    Action: options.action ?? "GetEventCallback",
    Format: "json",
    Version: options.version ?? VERSION,
    Timestamp: timestamp(options.date ?? new Date()),
    SignatureNonce: options.nonce ?? freshNonce(),
    ...(options.query ?? {}),
  };
  if (options.securityToken) query.SecurityToken = options.securityToken;
  query.SignatureMethod = "HMAC-SHA1";
  query.SignatureVersion = "1.0";
  query.AccessKeyId = options.accessKeyId ?? KEY.id;
  query.Signature = OpenApiUtil.getRPCSignature(
    { ...query, ...(options.body ?? {}) },
    "POST",
    options.accessKeySecret ?? KEY.secret,
  );
  const body = options.body ? stringify(options.body) : "";
  const headers: Record<string, string> = { host: new URL(options.endpoint).host };
  if (body) headers["content-type"] = "application/x-www-form-urlencoded";
  return { method: "POST", query, headers, body };
}
