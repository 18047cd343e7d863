/**
 * Keeps secrets out of every error that leaves the dynamic provider: the last line of defence
 * behind messages that are built from known-safe parts in the first place.
 *
 * @packageDocumentation
 */

/** What a removed secret or query string is replaced with. */
export const REDACTED = "[redacted]";

/** Query parameters that carry a secret or a signature in Alibaba Cloud API calls. */
const SENSITIVE_PARAMETER =
  /(?:^|[?&])(?:AuthKey|Signature|AccessKeyId|AccessKeySecret|SecurityToken|Token)=/i;

/** An MNS `Authorization` header value: `MNS <AccessKeyId>:<Base64 HMAC-SHA1 signature>`. */
const MNS_AUTHORIZATION = /\bMNS\s+[^:\s]+:[A-Za-z0-9+/]{27}=/g;

/**
 * Removes every occurrence of each secret from `text`, in the forms it can take on the wire (as is,
 * percent-encoded, form-encoded), cuts off any query string (of a URL or a request path) that
 * holds a parameter such as `AuthKey`, `Signature` or `AccessKeyId`, and removes MNS
 * `Authorization` values.
 *
 * @example
 * ```ts
 * redact("POST http://h/?AuthKey=Abc123 failed", ["Abc123"]); // "POST http://h/?[redacted] failed"
 * ```
 */
export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text
    .replace(/\?[^\s"'<>]+/g, (query) => (SENSITIVE_PARAMETER.test(query) ? `?${REDACTED}` : query))
    .replace(MNS_AUTHORIZATION, `MNS ${REDACTED}`);
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret === "") continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(
      encodeURIComponent(secret).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    );
    forms.add(encodeURIComponent(secret).replace(/%20/g, "+"));
  }
  // Longest first, so a secret that contains another is removed whole.
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join(REDACTED);
  }
  return out;
}

/**
 * Redacts an error in place (message, stack and the `reasons` the dynamic-provider host forwards),
 * keeping its class and every other field (such as the `id` and `properties` of a partial create),
 * and returns it. A thrown value that is not an `Error` becomes one.
 */
export function redactError(error: unknown, secrets: readonly string[]): Error {
  if (!(error instanceof Error)) {
    return new Error(redact(String(error), secrets));
  }
  const target = error as Error & { reasons?: unknown };
  target.message = redact(target.message, secrets);
  if (typeof target.stack === "string") target.stack = redact(target.stack, secrets);
  if (Array.isArray(target.reasons)) {
    target.reasons = target.reasons.map((r) => (typeof r === "string" ? redact(r, secrets) : r));
  }
  return target;
}

/**
 * The auth keys found in provider arguments: `authKey`, `previousSetting.authKey` and
 * `replacedSetting.authKey` of each inputs or outputs object (the previous owner's key lives only
 * in `previousSetting`, the key an unconfirmed write replaced only in `replacedSetting`).
 */
export function authKeysIn(values: readonly unknown[]): string[] {
  const out: string[] = [];
  const visit = (value: unknown) => {
    if (!value || typeof value !== "object") return;
    const record = value as {
      authKey?: unknown;
      previousSetting?: unknown;
      replacedSetting?: unknown;
    };
    if (typeof record.authKey === "string") out.push(record.authKey);
    visit(record.previousSetting);
    visit(record.replacedSetting);
  };
  values.forEach(visit);
  return out;
}
