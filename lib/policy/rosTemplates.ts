/**
 * Reading ROS templates for `ims-callback-ram-least-privilege`: a template (JSON or YAML, the
 * CloudFormation-like format of Alibaba Cloud's Resource Orchestration Service) is parsed, and the
 * role names its resources give (`RoleName`, `Roles`, ...) are evaluated statically from literals,
 * parameters (the template's defaults, the values a stack, stack group or stack instance gives) and
 * the intrinsic functions that can be evaluated without the cloud. What cannot be evaluated stays
 * a pattern with unknown parts; the policy refuses a pattern that could spell IMS's role.
 *
 * Nothing here reads the text of a template with a search: escapes (`\u0041`), YAML tags, anchors
 * and merge keys are what the parsers make of them.
 *
 * @internal
 * @packageDocumentation
 */
import { Pair, parseDocument, Scalar, visit, YAMLMap } from "yaml";

/** A piece of a string: literal text, or a part that cannot be known at preview (and why). */
export type Part = string | { readonly unknown: string };

/**
 * What a template expression evaluates to at preview:
 * - `str`: a string, possibly with unknown parts;
 * - `list`, `map` (a template map, its values not evaluated yet), `scalar` (number, boolean, null);
 * - `unknown`: nothing known, not even whether it is a string or a list;
 * - `alt`: one of several values (`Fn::If`, a parameter given twice); no option at all means that
 *   nothing is deployed (a parameter without a value: ROS refuses to create the stack).
 */
export type Value =
  | { readonly t: "str"; readonly parts: readonly Part[] }
  | { readonly t: "list"; readonly items: readonly Value[] }
  | { readonly t: "map"; readonly entries: Readonly<Record<string, unknown>> }
  | { readonly t: "scalar"; readonly value: number | boolean | null }
  | { readonly t: "unknown"; readonly why: string }
  | { readonly t: "alt"; readonly options: readonly Value[] };

/** A string value known at preview. */
export const literal = (text: string): Value => ({ t: "str", parts: [text] });
/** A value that cannot be known at preview, and why. */
export const unknownValue = (why: string): Value => ({ t: "unknown", why });
/** One of `options` (a parameter given several times). */
export const oneOf = (options: readonly Value[]): Value =>
  options.length === 1 ? options[0] : { t: "alt", options };

/** A template read from its text, or why it could not be. */
export type ParsedTemplate =
  | { readonly ok: true; readonly template: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly why: string };

/** More alternatives than this (Fn::If in Fn::Join...) are not enumerated: the value is unknown. */
const MAX_ALTERNATIVES = 256;
/** Deeper expressions (or `Ref` chains through roles) than this are not evaluated. */
const MAX_DEPTH = 40;
/** Deeper nested stacks than this are not read. */
const MAX_NESTING = 5;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A map's own entry (never one inherited from Object.prototype, such as `toString`). */
const own = (map: Readonly<Record<string, unknown>>, key: string): unknown =>
  Object.hasOwn(map, key) ? map[key] : undefined;

/**
 * Parses a template body: JSON first (as ROS does for a body starting with `{`), else YAML with the
 * short-form function tags (`!Ref X` is `{ Ref: X }`, `!Join [...]` is `{ "Fn::Join": [...] }`) and
 * YAML 1.1 merge keys. Messages never quote the text (a template may hold secrets).
 */
export function parseTemplate(text: string): ParsedTemplate {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
    // JSON.parse keeps the last of duplicate keys; another parser may keep the first.
    const duplicate = parseDocument(text, { uniqueKeys: true, prettyErrors: false }).errors.some(
      (e) => e.code === "DUPLICATE_KEY",
    );
    if (duplicate) return { ok: false, why: "templateBody repeats a key in a map" };
  } catch {
    try {
      const doc = parseDocument(text, { merge: true, prettyErrors: false, uniqueKeys: true });
      if (doc.errors.length > 0)
        return { ok: false, why: "templateBody is neither JSON nor YAML the pack can parse" };
      visit(doc, {
        Node(_key, node) {
          const tag = "tag" in node ? node.tag : undefined;
          if (typeof tag !== "string" || !tag.startsWith("!")) return undefined;
          node.tag = undefined;
          const name = tag === "!Ref" ? "Ref" : `Fn::${tag.slice(1)}`;
          const wrapped = new YAMLMap();
          wrapped.items.push(new Pair(new Scalar(name), node));
          return wrapped;
        },
      });
      parsed = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    } catch {
      return { ok: false, why: "templateBody is neither JSON nor YAML the pack can parse" };
    }
  }
  if (parsed === null || parsed === undefined) return { ok: true, template: {} };
  if (!isPlainObject(parsed)) return { ok: false, why: "templateBody is not a template (a map)" };
  return { ok: true, template: parsed };
}

/** A plain value (a parameter's default, a Json parameter) as a {@link Value}, nothing evaluated. */
function plainValue(value: unknown): Value {
  if (typeof value === "string") return literal(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null)
    return { t: "scalar", value };
  if (Array.isArray(value)) return { t: "list", items: value.map(plainValue) };
  if (isPlainObject(value)) return { t: "map", entries: value };
  return unknownValue("a value of no template type");
}

/** How the values of one deployment of a template are known. */
export interface Given {
  /** Parameter values given by the stack, stack group or instance (override the defaults). */
  readonly values: ReadonlyMap<string, Value>;
  /**
   * When set, every parameter may have been given a value the pack cannot see (the whole list is
   * unknown at preview, a key is unknown, or the stack reuses its previous parameters).
   */
  readonly allUnknown?: string;
  /** A parameter with neither a given value nor a default: unknown here, or "nothing deployed". */
  readonly missing: "never" | "unknown";
}

/** One template being evaluated: its sections and the parameter values of this deployment. */
interface Scope {
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly given: Given;
}

const NEVER: Value = { t: "alt", options: [] };

/** Reads a section of a template as a map (absent or not a map: empty). */
function section(template: Readonly<Record<string, unknown>>, name: string) {
  const value = template[name];
  return isPlainObject(value) ? value : {};
}

/** A template resource's `Type`, or `undefined`. */
function resourceType(resource: unknown): string | undefined {
  return isPlainObject(resource) && typeof resource.Type === "string" ? resource.Type : undefined;
}

const isRamRoleType = (type: string | undefined) => type?.toUpperCase() === "ALIYUN::RAM::ROLE";

/** A map's value under `key` in any case (ROS names are case-sensitive; any case fails closed). */
function property(map: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.hasOwn(map, key)) return map[key];
  const found = Object.keys(map).find((k) => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : map[found];
}

/** The value of a parameter, a pseudo parameter or a role resource's name (`Ref`). */
function ref(scope: Scope, name: string, depth: number): Value {
  const declaration = own(scope.parameters, name);
  if (declaration !== undefined) {
    const type = isPlainObject(declaration) ? String(declaration.Type ?? "") : "";
    const given = scope.given.values.get(name);
    const defaultValue = isPlainObject(declaration) ? declaration.Default : undefined;
    let value: Value;
    if (scope.given.allUnknown !== undefined && given === undefined)
      value = unknownValue(scope.given.allUnknown);
    else if (given !== undefined) value = given;
    else if (defaultValue !== undefined) value = plainValue(defaultValue);
    else if (scope.given.missing === "unknown")
      value = unknownValue(`parameter "${name}" is not known at preview`);
    else value = NEVER;
    return typedParameter(type, value);
  }
  if (name === "ALIYUN::NoValue") return NEVER;
  if (name.startsWith("ALIYUN::")) return unknownValue(`Ref "${name}"`);
  const resource = own(scope.resources, name);
  if (isRamRoleType(resourceType(resource)) && isPlainObject(resource)) {
    const properties = resource.Properties;
    if (isPlainObject(properties))
      return evaluate(scope, property(properties, "RoleName"), depth + 1);
  }
  const given = scope.given.values.get(name);
  if (given !== undefined) return given;
  return unknownValue(`Ref "${name}"`);
}

/** A parameter's value as its type makes it: a CommaDelimitedList is a list, a Json value parsed. */
function typedParameter(type: string, value: Value): Value {
  const kind = type.toLowerCase();
  if (kind !== "commadelimitedlist" && kind !== "json") return value;
  const convert = (v: Value): Value => {
    if (v.t === "alt") return { t: "alt", options: v.options.map(convert) };
    if (v.t !== "str") return v;
    if (v.parts.some((p) => typeof p !== "string")) return unknownValue(`a ${type} parameter`);
    const text = v.parts.join("");
    if (kind === "commadelimitedlist")
      return { t: "list", items: text.split(",").map((s) => literal(s.trim())) };
    try {
      return plainValue(JSON.parse(text) as unknown);
    } catch {
      return unknownValue(`a Json parameter that is not JSON`);
    }
  };
  return convert(value);
}

/** A role resource's `RoleName` for `Fn::GetAtt [role, RoleName]`; anything else is unknown. */
function getAtt(scope: Scope, resourceName: string, attribute: string, depth: number): Value {
  const resource = own(scope.resources, resourceName);
  if (
    isRamRoleType(resourceType(resource)) &&
    isPlainObject(resource) &&
    isPlainObject(resource.Properties) &&
    attribute.toLowerCase() === "rolename"
  )
    return evaluate(scope, property(resource.Properties, "RoleName"), depth + 1);
  return unknownValue(`Fn::GetAtt "${resourceName}.${attribute}"`);
}

/** Each alternative a value can be as a string (patterns with unknown parts). */
export function asStrings(value: Value): Part[][] {
  switch (value.t) {
    case "str":
      return [[...value.parts]];
    case "scalar":
      return [[value.value === null ? "" : String(value.value)]];
    case "unknown":
      return [[{ unknown: value.why }]];
    case "alt": {
      const out = value.options.flatMap(asStrings);
      return out.length > MAX_ALTERNATIVES ? [[{ unknown: "too many alternatives" }]] : out;
    }
    default:
      return [[{ unknown: `a ${value.t} where a string is expected` }]];
  }
}

/** Each alternative a value can be as a list, or why it is not known. */
export function asLists(value: Value): Value[][] | { readonly unknown: string } {
  switch (value.t) {
    case "list":
      return [[...value.items]];
    case "unknown":
      return { unknown: value.why };
    case "map":
      return { unknown: "a map where a list is expected" };
    case "alt": {
      const out: Value[][] = [];
      for (const option of value.options) {
        const lists = asLists(option);
        if (!Array.isArray(lists)) return lists;
        out.push(...lists);
      }
      return out;
    }
    default:
      return [[value]];
  }
}

/** Every concatenation of one alternative of each item, or `undefined` when too many. */
function product(items: readonly Part[][][], separator = ""): Part[][] | undefined {
  let out: Part[][] = [[]];
  items.forEach((alternatives, i) => {
    const next: Part[][] = [];
    for (const prefix of out)
      for (const alternative of alternatives)
        next.push([...prefix, ...(i > 0 && separator !== "" ? [separator] : []), ...alternative]);
    out = next;
  });
  return out.length > MAX_ALTERNATIVES ? undefined : out;
}

/** Alternatives as one value. */
function fromPatterns(patterns: Part[][] | undefined): Value {
  if (patterns === undefined) return unknownValue("too many alternatives");
  return oneOf(patterns.map((parts) => ({ t: "str", parts: mergeParts(parts) })));
}

/** Adjacent literal parts joined. */
function mergeParts(parts: readonly Part[]): Part[] {
  const out: Part[] = [];
  for (const part of parts) {
    const last = out[out.length - 1];
    if (typeof part === "string" && typeof last === "string") out[out.length - 1] = last + part;
    else out.push(part);
  }
  return out;
}

/** A value known at preview as exactly one literal string, or `undefined`. */
function singleLiteral(value: Value): string | undefined {
  const patterns = asStrings(value);
  if (patterns.length !== 1 || patterns[0].some((p) => typeof p !== "string")) return undefined;
  return patterns[0].join("");
}

/** Applies `f` to each literal alternative of `value`; an alternative with unknown parts is unknown. */
function mapLiterals(value: Value, f: (text: string) => Value, why: string): Value {
  return oneOf(
    asStrings(value).map((parts) =>
      parts.every((p) => typeof p === "string") ? f(parts.join("")) : unknownValue(why),
    ),
  );
}

/** Evaluates a template expression at preview. */
function evaluate(scope: Scope, node: unknown, depth: number): Value {
  if (depth > MAX_DEPTH) return unknownValue("an expression nested too deeply");
  if (typeof node === "string") return literal(node);
  if (typeof node === "number" || typeof node === "boolean" || node === null)
    return { t: "scalar", value: node };
  if (node === undefined) return NEVER;
  if (Array.isArray(node))
    return { t: "list", items: node.map((n) => evaluate(scope, n, depth + 1)) };
  if (!isPlainObject(node)) return unknownValue("a value of no template type");
  const keys = Object.keys(node);
  if (keys.length !== 1 || (keys[0] !== "Ref" && !keys[0].startsWith("Fn::")))
    return { t: "map", entries: node };
  const fn = keys[0];
  const intrinsic = Object.hasOwn(INTRINSICS, fn) ? INTRINSICS[fn] : undefined;
  if (!intrinsic) return unknownValue(`${fn} is not evaluated by the pack`);
  const arg = node[fn];
  return intrinsic({
    scope,
    arg,
    args: Array.isArray(arg) ? arg : undefined,
    depth,
    sub: (n) => evaluate(scope, n, depth + 1),
  });
}

/** One call of an intrinsic function: its argument, and how to evaluate a part of it. */
interface IntrinsicCall {
  readonly scope: Scope;
  readonly arg: unknown;
  /** The argument when it is a list. */
  readonly args: readonly unknown[] | undefined;
  readonly depth: number;
  readonly sub: (node: unknown) => Value;
}

/** A function whose one argument is a string known at preview, applied to each alternative. */
const onLiteral =
  (name: string, f: (text: string) => Value) =>
  ({ arg, sub }: IntrinsicCall): Value =>
    mapLiterals(sub(arg), f, `${name} of a value not known at preview`);

/** The intrinsic functions the pack evaluates without the cloud, each by name. */
const INTRINSICS: Readonly<Record<string, (call: IntrinsicCall) => Value>> = {
  Ref: ({ scope, arg, depth }) =>
    typeof arg === "string" ? ref(scope, arg, depth) : unknownValue("Ref of a non-name"),
  "Fn::Join": ({ args, sub }) => {
    if (!args || args.length !== 2) return unknownValue("Fn::Join with unexpected arguments");
    const separator = singleLiteral(sub(args[0]));
    if (separator === undefined) return unknownValue("Fn::Join with an unknown separator");
    const lists = asLists(sub(args[1]));
    if (!Array.isArray(lists)) return unknownValue(lists.unknown);
    return oneOf(lists.map((items) => fromPatterns(product(items.map(asStrings), separator))));
  },
  "Fn::Sub": ({ scope, arg, depth }) => substitute(scope, arg, depth),
  "Fn::Select": ({ args, sub }) => {
    if (!args || args.length !== 2) return unknownValue("Fn::Select with unexpected arguments");
    const index = singleLiteral(sub(args[0]));
    if (index === undefined) return unknownValue("Fn::Select with an unknown index");
    const from = sub(args[1]);
    if (from.t === "map") return sub(property(from.entries, index));
    const lists = asLists(from);
    if (!Array.isArray(lists)) return unknownValue(lists.unknown);
    if (!/^\d+$/.test(index)) return unknownValue("Fn::Select with a non-numeric index");
    return oneOf(lists.map((items) => items[Number(index)] ?? NEVER));
  },
  "Fn::Split": ({ args, sub }) => {
    if (!args || args.length !== 2) return unknownValue("Fn::Split with unexpected arguments");
    const separator = singleLiteral(sub(args[0]));
    if (separator === undefined) return unknownValue("Fn::Split with an unknown separator");
    return mapLiterals(
      sub(args[1]),
      (text) => ({ t: "list", items: text.split(separator).map(literal) }),
      "Fn::Split of a value not known at preview",
    );
  },
  "Fn::Replace": ({ args, sub }) => {
    if (!args || args.length !== 2 || !isPlainObject(args[0]))
      return unknownValue("Fn::Replace with unexpected arguments");
    const replacements: Array<[string, string]> = [];
    for (const [from, to] of Object.entries(args[0])) {
      const text = singleLiteral(sub(to));
      if (text === undefined) return unknownValue("Fn::Replace with a replacement not known");
      replacements.push([from, text]);
    }
    return mapLiterals(
      sub(args[1]),
      (text) => literal(replacements.reduce((s, [from, to]) => s.split(from).join(to), text)),
      "Fn::Replace of a value not known at preview",
    );
  },
  "Fn::If": ({ args, sub }) =>
    !args || args.length !== 3
      ? unknownValue("Fn::If with unexpected arguments")
      : oneOf([sub(args[1]), sub(args[2])]),
  "Fn::FindInMap": ({ scope, args, sub }) => {
    if (!args || args.length !== 3) return unknownValue("Fn::FindInMap with unexpected arguments");
    const keys = args.map((a) => singleLiteral(sub(a)));
    if (keys.some((k) => k === undefined)) return unknownValue("Fn::FindInMap with unknown keys");
    const [map, first, second] = keys as string[];
    const level1 = own(scope.mappings, map);
    const level2 = isPlainObject(level1) ? own(level1, first) : undefined;
    return isPlainObject(level2) && Object.hasOwn(level2, second) ? sub(level2[second]) : NEVER;
  },
  "Fn::Base64Decode": onLiteral("Fn::Base64Decode", (text) =>
    literal(Buffer.from(text, "base64").toString("utf8")),
  ),
  "Fn::Base64Encode": onLiteral("Fn::Base64Encode", (text) =>
    literal(Buffer.from(text, "utf8").toString("base64")),
  ),
  "Fn::Str": onLiteral("Fn::Str", literal),
  "Fn::GetAtt": ({ scope, arg, args, depth, sub }) => {
    const target = typeof arg === "string" ? arg.split(/\.(.*)/s).slice(0, 2) : args;
    if (!target || target.length !== 2) return unknownValue("Fn::GetAtt with unexpected arguments");
    const [resourceName, attribute] = target.map((a) => singleLiteral(sub(a)));
    if (resourceName === undefined || attribute === undefined)
      return unknownValue("Fn::GetAtt with unknown arguments");
    return getAtt(scope, resourceName, attribute, depth);
  },
};

/** The intrinsic functions {@link evaluate} knows, for messages. */
export const EVALUATED_FUNCTIONS = Object.keys(INTRINSICS).join(", ");

/** `Fn::Sub`: `${Name}` (a parameter, a pseudo parameter, or a variable), `${Res.Attr}`, `${!Literal}`. */
function substitute(scope: Scope, arg: unknown, depth: number): Value {
  const [text, variables] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
  if (typeof text !== "string") return unknownValue("Fn::Sub of a value not known at preview");
  const vars = isPlainObject(variables) ? variables : {};
  const pieces: Part[][][] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    pieces.push([[text.slice(last, match.index)]]);
    last = match.index + match[0].length;
    const name = match[1].trim();
    if (name.startsWith("!")) {
      pieces.push([[`\${${name.slice(1)}}`]]);
      continue;
    }
    let value: Value;
    if (Object.hasOwn(vars, name)) value = evaluate(scope, vars[name], depth + 1);
    else if (name.includes(".") && !Object.hasOwn(scope.parameters, name)) {
      const [resourceName, attribute] = name.split(/\.(.*)/s);
      value = getAtt(scope, resourceName, attribute, depth);
    } else value = ref(scope, name, depth);
    pieces.push(asStrings(value));
  }
  pieces.push([[text.slice(last)]]);
  return fromPatterns(product(pieces));
}

/** What the pack found at one template resource's role property. */
export type RoleFinding =
  | {
      readonly kind: "ims";
      readonly path: string;
      readonly type: string;
      readonly property: string;
      readonly value: string;
    }
  | {
      readonly kind: "unresolved";
      readonly path: string;
      readonly type: string;
      readonly property: string;
      readonly why: string;
    }
  | { readonly kind: "unreadable"; readonly why: string };

/** Properties that name a role (a list for the plural forms), any case. */
const ROLE_PROPERTIES: Readonly<Record<string, "one" | "list" | "principal">> = {
  rolename: "one",
  rolenames: "list",
  roles: "list",
  principalname: "principal",
};

/** The template resource types whose `Properties` built by a function cannot be passed over. */
const isRamFamily = (type: string) => /^ALIYUN::(RAM|RESOURCEMANAGER)::/i.test(type);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether a string pattern can be one of IMS's role names: `"ims"` with the role it is, `"maybe"`
 * with why (its unknown parts), or `undefined` when no value of it is IMS's role.
 */
function classify(
  parts: readonly Part[],
  roles: readonly string[],
  principal: boolean,
): { ims: string } | { maybe: string } | undefined {
  const unknowns = parts.filter((p): p is { unknown: string } => typeof p !== "string");
  if (unknowns.length === 0) {
    const text = parts.join("");
    const role = principal ? text.split("@")[0] : text;
    return roles.includes(role.toLowerCase()) ? { ims: role } : undefined;
  }
  const why = [...new Set(unknowns.map((u) => u.unknown))].join("; ");
  if (principal) {
    // `role@role.<account>.onaliyunservice.com`: the role is the text before the first "@".
    const prefix = typeof parts[0] === "string" ? parts[0] : "";
    if (prefix.includes("@")) return classify([prefix], roles, true);
    return roles.some((role) => role.startsWith(prefix.toLowerCase())) ? { maybe: why } : undefined;
  }
  const pattern = new RegExp(
    `^${parts.map((p) => (typeof p === "string" ? escapeRegExp(p) : "[\\s\\S]*")).join("")}$`,
    "i",
  );
  return roles.some((role) => pattern.test(role)) ? { maybe: why } : undefined;
}

/** Judges one role property's value; at most one finding (IMS's role before an unknown). */
function judgeRoleProperty(
  value: Value,
  form: "one" | "list" | "principal",
  roles: readonly string[],
): { ims: string } | { maybe: string } | undefined {
  let patterns: Part[][];
  if (form === "list") {
    const lists = asLists(value);
    if (!Array.isArray(lists)) return { maybe: lists.unknown };
    patterns = lists.flatMap((items) => items.flatMap(asStrings));
  } else patterns = asStrings(value);
  const results = patterns.map((p) => classify(p, roles, form === "principal"));
  return results.find((r) => r && "ims" in r) ?? results.find((r) => r !== undefined);
}

/**
 * Every finding in a template deployed with `given`: each resource's role properties that resolve
 * to one of `roles` (lower case), or that cannot be resolved and could; what cannot be read at all
 * (a `Transform`, a nested stack given by URL).
 */
export function judgeTemplate(
  template: Readonly<Record<string, unknown>>,
  given: Given,
  roles: readonly string[],
  path = "",
  nesting = 0,
): RoleFinding[] {
  if (template.Transform !== undefined)
    return [
      {
        kind: "unreadable",
        why: path
          ? `nested stack "${path.slice(0, -1)}" has a Transform, which rewrites it before deployment`
          : "a Transform rewrites it before deployment",
      },
    ];
  const resourcesSection = template.Resources;
  if (resourcesSection !== undefined && !isPlainObject(resourcesSection))
    return [{ kind: "unreadable", why: "its Resources is not a map" }];
  const scope: Scope = {
    parameters: section(template, "Parameters"),
    resources: section(template, "Resources"),
    mappings: section(template, "Mappings"),
    given,
  };
  const findings: RoleFinding[] = [];
  for (const [name, resource] of Object.entries(scope.resources)) {
    const type = resourceType(resource);
    if (type === undefined || !isPlainObject(resource)) continue;
    const where = `${path}${name}`;
    const properties = resource.Properties;
    if (!isPlainObject(properties)) continue;
    const keys = Object.keys(properties);
    if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) {
      if (isRamFamily(type))
        findings.push({
          kind: "unresolved",
          path: where,
          type,
          property: "Properties",
          why: `Properties built by ${keys[0]}`,
        });
      continue;
    }
    if (type.toUpperCase() === "ALIYUN::ROS::STACK") {
      findings.push(...judgeNestedStack(scope, properties, roles, where, nesting));
      continue;
    }
    for (const key of keys) {
      const form = own(ROLE_PROPERTIES, key.toLowerCase()) as
        (typeof ROLE_PROPERTIES)[string] | undefined;
      if (!form) continue;
      const result = judgeRoleProperty(evaluate(scope, properties[key], 0), form, roles);
      if (result && "ims" in result)
        findings.push({ kind: "ims", path: where, type, property: key, value: result.ims });
      else if (result)
        findings.push({ kind: "unresolved", path: where, type, property: key, why: result.maybe });
    }
  }
  return findings;
}

/** A nested stack (`ALIYUN::ROS::Stack`): its `TemplateBody` judged with the parameters passed. */
function judgeNestedStack(
  scope: Scope,
  properties: Readonly<Record<string, unknown>>,
  roles: readonly string[],
  where: string,
  nesting: number,
): RoleFinding[] {
  const body = property(properties, "TemplateBody");
  if (body === undefined)
    return [{ kind: "unreadable", why: `nested stack "${where}" is not given by TemplateBody` }];
  if (nesting >= MAX_NESTING)
    return [{ kind: "unreadable", why: `nested stack "${where}" is nested too deeply` }];
  let template: Readonly<Record<string, unknown>>;
  if (isPlainObject(body) && !Object.keys(body).some((k) => k === "Ref" || k.startsWith("Fn::")))
    template = body;
  else {
    const text = singleLiteral(evaluate(scope, body, 0));
    const parsed = text === undefined ? undefined : parseTemplate(text);
    if (!parsed || !parsed.ok)
      return [
        {
          kind: "unreadable",
          why: `nested stack "${where}"'s TemplateBody ${parsed ? "cannot be parsed" : "is not known at preview"}`,
        },
      ];
    template = parsed.template;
  }
  const passed = property(properties, "Parameters");
  const values = new Map<string, Value>();
  let allUnknown: string | undefined;
  if (
    isPlainObject(passed) &&
    !Object.keys(passed).some((k) => k === "Ref" || k.startsWith("Fn::"))
  )
    for (const [key, value] of Object.entries(passed)) values.set(key, evaluate(scope, value, 0));
  else if (passed !== undefined) allUnknown = `nested stack "${where}"'s Parameters are not known`;
  return judgeTemplate(
    template,
    { values, allUnknown, missing: scope.given.missing },
    roles,
    `${where}/`,
    nesting + 1,
  );
}
