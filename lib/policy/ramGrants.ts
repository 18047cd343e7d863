/**
 * Reads a RAM policy document for what it grants beyond "send to `ice-callback-` queues".
 *
 * @packageDocumentation
 */
import { parseQueueMessagesArn, QUEUE_SEND_ACTIONS } from "../shared/ram";
import { QUEUE_NAME_PREFIX, queueNameProblems } from "../shared/validation";

const SEND_ACTIONS = new Set(QUEUE_SEND_ACTIONS.map((a) => a.toLowerCase()));

/**
 * What a RAM policy document allows beyond `mns:SendMessage` / `mns:BatchSendMessage` on the
 * messages of `ice-callback-` queues, one line per finding (empty when it allows nothing more).
 * `Deny` statements only take away, so they are not findings; a statement without `Effect` counts
 * as `Allow`. Keys are read in any case (`action` as well as `Action`). Each line names the statement, the field and the value.
 *
 * @example
 * ```ts
 * queueSendGrantProblems('{"Version":"1","Statement":[{"Effect":"Allow","Action":"mns:*","Resource":"*"}]}');
 * // ['Statement[0] Action "mns:*" is a wildcard', 'Statement[0] Resource "*" is a wildcard']
 * ```
 */
export function queueSendGrantProblems(document: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return ["the document is not valid JSON"];
  }
  const statements = isRecord(parsed) ? fieldValues(parsed, "Statement").flatMap(asList) : [];
  const problems: string[] = [];
  statements.forEach((statement: unknown, index) => {
    const at = `Statement[${index}]`;
    if (!isRecord(statement)) {
      problems.push(`${at} is not an object`);
      return;
    }
    const effects = fieldValues(statement, "Effect");
    if (
      effects.length > 0 &&
      effects.every((e) => typeof e === "string" && e.toLowerCase() === "deny")
    )
      return;
    for (const name of ["NotAction", "NotResource"]) {
      if (fieldValues(statement, name).length > 0)
        problems.push(`${at} uses ${name}, which allows everything not listed`);
    }
    for (const action of fieldValues(statement, "Action").flatMap(asList)) {
      if (typeof action !== "string")
        problems.push(`${at} Action ${JSON.stringify(action)} is not a string`);
      else if (action.includes("*")) problems.push(`${at} Action "${action}" is a wildcard`);
      else if (!SEND_ACTIONS.has(action.toLowerCase()))
        problems.push(
          `${at} Action "${action}" is not a send action (${QUEUE_SEND_ACTIONS.join(", ")})`,
        );
    }
    for (const resource of fieldValues(statement, "Resource").flatMap(asList)) {
      const problem = typeof resource === "string" ? resourceProblem(resource) : "is not a string";
      if (problem) problems.push(`${at} Resource ${JSON.stringify(resource)} ${problem}`);
    }
  });
  return problems;
}

/**
 * The document that the deprecated `statements` input of `alicloud.ram.Policy`
 * (`[{ effect, actions, resources }]`) stands for, as JSON, for {@link queueSendGrantProblems}.
 *
 * @example
 * ```ts
 * statementsDocument([{ effect: "Allow", actions: ["mns:*"], resources: ["*"] }]);
 * // '{"Version":"1","Statement":[{"Effect":"Allow","Action":["mns:*"],"Resource":["*"]}]}'
 * ```
 */
export function statementsDocument(statements: unknown): string {
  const list = Array.isArray(statements) ? statements : [statements];
  return JSON.stringify({
    Version: "1",
    Statement: list.map((s: unknown) =>
      isRecord(s) ? { Effect: s.effect, Action: s.actions, Resource: s.resources } : s,
    ),
  });
}

/**
 * The values of a document key under every spelling of it (`Action`, `action`): whether RAM reads
 * keys case-insensitively is not documented, so a key in another case must not hide a grant.
 */
function fieldValues(record: Record<string, unknown>, name: string): unknown[] {
  const lower = name.toLowerCase();
  return Object.keys(record)
    .filter((k) => k.toLowerCase() === lower && record[k] !== undefined)
    .map((k) => record[k]);
}

function resourceProblem(resource: string): string | undefined {
  if (resource.includes("*")) return "is a wildcard";
  const arn = parseQueueMessagesArn(resource);
  if (!arn)
    return `is not the messages of a queue (acs:mns:<region>:<account>:/queues/${QUEUE_NAME_PREFIX}<name>/messages)`;
  if (queueNameProblems(arn.queueName).length > 0)
    return `is not an ${QUEUE_NAME_PREFIX} queue's messages`;
  return undefined;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
