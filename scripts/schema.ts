/**
 * Writes `schema.json`, the Pulumi package schema of the provider plugin `alicloud-ims-callback`,
 * from the TypeScript declarations the program classes are written with: the argument interfaces
 * give the inputs, the classes' `Output` members give the outputs, the TSDoc gives every
 * description (with its `@default`), literal unions give enums. One definition: the schema cannot
 * say what the TypeScript API does not, and `test/plugin/schema.test.ts` fails when schema.json is
 * stale. A type the schema cannot express (a union of a string and a resource, say) stops the
 * generator with the property's name.
 *
 * Usage: `npm run schema` (node -r ts-node/register/transpile-only scripts/schema.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { pluginConfigKey, SECRET_CONFIG_KEYS } from "../lib/plugin/config";
import { credentialSourcesText } from "../lib/shared/credentials";
import {
  IMS_CALLBACK_TYPE,
  IMS_QUEUE_AUTHORIZATION_TYPE,
  PLUGIN_EVENT_CALLBACK_TYPE,
  PLUGIN_PACKAGE,
  SECRET_SETTING_OUTPUTS,
} from "../lib/shared/contract";

const ROOT = path.resolve(__dirname, "..");
/** Where the schema is written; the plugin reads it from the package root. */
export const SCHEMA_FILE = path.join(ROOT, "schema.json");

/** The declarations the schema is made from. */
const SOURCES = {
  config: { file: "lib/plugin/config.ts", interface: "PluginConfig" },
  resources: [
    {
      token: PLUGIN_EVENT_CALLBACK_TYPE,
      file: "lib/program/eventCallback.ts",
      args: "EventCallbackArgs",
      outputsOf: "EventCallback",
      isComponent: false,
      // The class's `@remarks` say where the dynamic provider finds credentials; the plugin's
      // resource says where the plugin does.
      credentials: true,
    },
    {
      token: IMS_CALLBACK_TYPE,
      file: "lib/program/imsCallback.ts",
      args: "ImsCallbackArgs",
      outputsOf: "ImsCallback",
      isComponent: true,
    },
    {
      token: IMS_QUEUE_AUTHORIZATION_TYPE,
      file: "lib/program/queueAuthorization.ts",
      args: "ImsQueueAuthorizationArgs",
      outputsOf: "ImsQueueAuthorization",
      isComponent: true,
    },
  ],
} as const;

/** Where the plugin's resources find credentials, in the plugin's own config keys. */
const PLUGIN_CREDENTIALS = credentialSourcesText(pluginConfigKey);

/** Properties marked secret wherever they appear: the setting's secret outputs and secret config. */
const SECRET_PROPERTIES = new Set<string>([...SECRET_SETTING_OUTPUTS, ...SECRET_CONFIG_KEYS]);

type SchemaType =
  | { type: "string" | "number" | "integer" | "boolean" }
  | { type: "array"; items: SchemaType }
  | { type: "object"; additionalProperties: SchemaType }
  | { $ref: string };

interface SchemaProperty extends Record<string, unknown> {
  description: string;
  secret?: true;
}

interface ObjectType {
  type: "object";
  description: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
}

interface EnumType {
  type: "string";
  description: string;
  enum: { value: string; name: string }[];
}

/** The package's logo, a file of this repository (the schema's `logoUrl` serves it from GitHub). */
const LOGO_FILE = "docs/logo.svg";

/** Owner and name of the GitHub repository package.json `repository` names. */
function githubRepository(url: string): { owner: string; repo: string } {
  const match = /github\.com[/:]([^/]+)\/([^/]+?)(?:\.git)?$/.exec(url);
  if (!match) throw new Error(`package.json repository.url is not a GitHub repository: ${url}`);
  return { owner: match[1], repo: match[2] };
}

/** The schema of the package, built from the declarations in {@link SOURCES}. */
export function buildSchema(): Record<string, unknown> {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    description: string;
    license: string;
    keywords: string[];
    homepage: string;
    repository: { url: string };
  };
  const github = githubRepository(manifest.repository.url);
  const files = [SOURCES.config.file, ...SOURCES.resources.map((r) => r.file)].map((f) =>
    path.join(ROOT, f),
  );
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, "tsconfig.json"),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  const program = ts.createProgram(files, { ...config!.options, noEmit: true });
  const checker = program.getTypeChecker();
  const types: Record<string, ObjectType | EnumType> = {};
  const enumNames = new Map<string, string>();

  const declaration = (file: string, name: string): ts.Declaration => {
    const source = program.getSourceFile(path.join(ROOT, file));
    const symbol = source && checker.getSymbolAtLocation(source);
    const exported = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === name);
    const decl = exported?.declarations?.[0];
    if (!decl) throw new Error(`${file} does not export ${name}`);
    return decl;
  };

  /** An exported declaration of any source file, by name. */
  const findDeclaration = (name: string): ts.Declaration => {
    for (const file of [SOURCES.config.file, ...SOURCES.resources.map((r) => r.file)]) {
      const source = program.getSourceFile(path.join(ROOT, file));
      const symbol = source && checker.getSymbolAtLocation(source);
      const found = symbol && checker.getExportsOfModule(symbol).find((s) => s.name === name);
      if (found?.declarations?.[0]) return found.declarations[0];
    }
    throw new Error(`no source file exports ${name}`);
  };

  const describe = (symbol: ts.Symbol, owner = ""): string => {
    const raw = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    const inherited = /^\{@inheritDoc\s+(\w+)\.(\w+)\s*\}$/.exec(raw);
    if (inherited) {
      const [, iface, member] = inherited;
      const source = checker.getTypeAtLocation(findDeclaration(iface)).getProperty(member);
      if (!source)
        throw new Error(`${owner}.${symbol.name}: {@inheritDoc} of a missing ${iface}.${member}`);
      return describe(source, iface);
    }
    let text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    text = text.replace(/\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]+))?\}/g, (_, target, label) =>
      label ? String(label).trim() : `\`${String(target).split(".").pop()}\``,
    );
    const tag = symbol.getJsDocTags(checker).find((t) => t.name === "default");
    let defaultText = tag ? ts.displayPartsToString(tag.text).trim() : "";
    // One-line docs write the default inline: "`@default` the service's" or "`@default false`".
    text = text
      .replace(/`@default\s+([^`]+)`\s*$/, (_, d: string) => ((defaultText = d.trim()), ""))
      .replace(/`@default`\s*(.+)$/s, (_, d: string) => ((defaultText = d.trim()), ""))
      .trim();
    if (defaultText) text += `\n\nDefault: ${defaultText}`;
    if (text.trim() === "") {
      throw new Error(`${owner ? `${owner}.` : ""}${symbol.name} has no TSDoc description`);
    }
    return text.trim();
  };

  const isInternal = (symbol: ts.Symbol) =>
    symbol.getJsDocTags(checker).some((t) => t.name === "internal");

  /** `T` of a type `OutputInstance<T> & Lifted<T>` (an Output whose alias the checker dropped). */
  const outputInstanceOf = (t: ts.Type): ts.Type | undefined => {
    const isInstance = (m: ts.Type) => m.getSymbol()?.name === "OutputInstance";
    const instance = t.isIntersection() ? t.types.find(isInstance) : isInstance(t) ? t : undefined;
    return instance && checker.getTypeArguments(instance as ts.TypeReference)[0];
  };

  /**
   * The value types `type` stands for: `Input<>`/`Output<>` wrappers removed, unions flattened
   * (a named union of string literals is kept whole: it is an enum), and `undefined`/`null` dropped,
   * which makes the property optional.
   */
  const valueTypes = (type: ts.Type): { types: ts.Type[]; optional: boolean } => {
    const alias = type.aliasSymbol?.name;
    if ((alias === "Input" || alias === "Output") && type.aliasTypeArguments?.[0]) {
      return valueTypes(type.aliasTypeArguments[0]);
    }
    const instance = outputInstanceOf(type);
    if (instance) return valueTypes(instance);
    if (type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) {
      return { types: [], optional: true };
    }
    if (type.isUnion()) {
      if (type.aliasSymbol && type.types.every((t) => t.isStringLiteral())) {
        return { types: [type], optional: false };
      }
      // Input<T> whose alias was lost to `| undefined`: T | Promise<T> | OutputInstance<T>.
      const promise = type.types.find((t) => t.getSymbol()?.name === "Promise");
      const members =
        promise && type.types.some((t) => t.getSymbol()?.name === "OutputInstance")
          ? [
              ...type.types.filter((t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)),
              checker.getTypeArguments(promise as ts.TypeReference)[0],
            ]
          : type.types;
      const parts = members.map(valueTypes);
      return {
        types: parts.flatMap((p) => p.types),
        optional: parts.some((p) => p.optional),
      };
    }
    return { types: [type], optional: false };
  };

  const enumType = (
    owner: string,
    property: string,
    literals: readonly ts.Type[],
    alias: ts.Symbol | undefined,
  ): SchemaType => {
    const values = literals.map((t) => (t as ts.StringLiteralType).value).sort();
    const key = values.join("|");
    let name = enumNames.get(key);
    if (!name) {
      const capitalized = property[0].toUpperCase() + property.slice(1);
      name = alias ? alias.name : capitalized;
      if (types[`${PLUGIN_PACKAGE}:index:${name}`]) name = `${owner}${capitalized}`;
      const token = `${PLUGIN_PACKAGE}:index:${name}`;
      if (types[token]) throw new Error(`${owner}.${property}: enum name ${name} is taken`);
      types[token] = {
        type: "string",
        description: alias ? describe(alias) : `The values of ${owner}.${property}.`,
        enum: values.map((value) => ({ value, name: enumMemberName(value) })),
      };
      enumNames.set(key, name);
    }
    return { $ref: `#/types/${PLUGIN_PACKAGE}:index:${name}` };
  };

  const schemaType = (owner: string, property: string, raw: ts.Type): SchemaType => {
    const where = `${owner}.${property}`;
    const { types: members } = valueTypes(raw);
    const named = members.length === 1 && members[0].isUnion() ? members[0] : undefined;
    const literals = named ? named.types : members;
    if (literals.length > 0 && literals.every((t) => t.isStringLiteral())) {
      return enumType(owner, property, literals, named?.aliasSymbol);
    }
    if (members.length > 0 && members.every((t) => t.flags & ts.TypeFlags.BooleanLike)) {
      return { type: "boolean" };
    }
    if (members.length !== 1) {
      throw new Error(
        `${where}: ${checker.typeToString(raw)} cannot be expressed in a Pulumi schema; reshape the argument.`,
      );
    }
    const type = members[0];
    if (type.flags & ts.TypeFlags.StringLike) return { type: "string" };
    if (type.flags & ts.TypeFlags.NumberLike) return { type: "number" };
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      const [element] = checker.getTypeArguments(type as ts.TypeReference);
      return { type: "array", items: schemaType(owner, property, element) };
    }
    const symbol = type.getSymbol();
    if (symbol && symbol.flags & ts.SymbolFlags.Class) {
      const resource = SOURCES.resources.find((r) => r.outputsOf === symbol.name);
      if (!resource)
        throw new Error(`${where}: class ${symbol.name} is not a resource of this package`);
      return { $ref: `#/resources/${resource.token}` };
    }
    const index = type.getStringIndexType();
    if (index && type.getProperties().length === 0) {
      return { type: "object", additionalProperties: schemaType(owner, property, index) };
    }
    if (symbol && symbol.flags & ts.SymbolFlags.Interface) {
      const token = `${PLUGIN_PACKAGE}:index:${symbol.name}`;
      if (!types[token]) {
        const objectType: ObjectType = {
          type: "object",
          description: describe(symbol),
          properties: {},
        };
        types[token] = objectType;
        const { properties, required } = propertiesOf(symbol.name, type.getProperties());
        objectType.properties = properties;
        if (required.length > 0) objectType.required = required;
      }
      return { $ref: `#/types/${token}` };
    }
    throw new Error(`${where}: ${checker.typeToString(type)} has no schema equivalent`);
  };

  const propertiesOf = (owner: string, symbols: readonly ts.Symbol[]) => {
    const properties: Record<string, SchemaProperty> = {};
    const required: string[] = [];
    for (const symbol of symbols) {
      if (isInternal(symbol)) continue;
      const type = checker.getTypeOfSymbol(symbol);
      const optional = !!(symbol.flags & ts.SymbolFlags.Optional) || valueTypes(type).optional;
      properties[symbol.name] = {
        ...schemaType(owner, symbol.name, type),
        description: describe(symbol, owner),
        ...(SECRET_PROPERTIES.has(symbol.name) ? { secret: true as const } : {}),
      };
      if (!optional) required.push(symbol.name);
    }
    return { properties, required };
  };

  const isOutput = (t: ts.Type): boolean =>
    t.aliasSymbol?.name === "Output" ||
    outputInstanceOf(t) !== undefined ||
    (t.isUnion() && t.types.every(isOutput));

  /** The class's registered outputs: its `Output<...>` members that are not internal. */
  const outputsOf = (classDecl: ts.Declaration, owner: string) => {
    const classType = checker.getDeclaredTypeOfSymbol(
      checker.getSymbolAtLocation((classDecl as ts.ClassDeclaration).name!)!,
    );
    const inherited = new Set(["urn", "id", "pulumiResourceName", "pulumiResourceType"]);
    const members = classType
      .getProperties()
      .filter((s) => !inherited.has(s.name))
      .filter((s) => isOutput(checker.getTypeOfSymbol(s)))
      .filter((s) =>
        s.declarations?.some((d) => d.getSourceFile().fileName.startsWith(path.join(ROOT, "lib"))),
      );
    return propertiesOf(owner, members);
  };

  const configDecl = declaration(SOURCES.config.file, SOURCES.config.interface);
  const configType = checker.getTypeAtLocation(configDecl);
  const configProps = propertiesOf("config", configType.getProperties()).properties;

  const resources: Record<string, unknown> = {};
  for (const r of SOURCES.resources) {
    const owner = r.token.split(":").pop()!;
    const args = checker.getTypeAtLocation(declaration(r.file, r.args));
    const inputs = propertiesOf(owner, args.getProperties());
    const outputs = outputsOf(declaration(r.file, r.outputsOf), owner);
    const classSymbol = checker.getSymbolAtLocation(
      (declaration(r.file, r.outputsOf) as ts.ClassDeclaration).name!,
    )!;
    resources[r.token] = {
      description: [
        describe(classSymbol),
        ...("credentials" in r ? [PLUGIN_CREDENTIALS] : []),
      ].join("\n\n"),
      ...(r.isComponent ? { isComponent: true } : {}),
      inputProperties: inputs.properties,
      ...(inputs.required.length > 0 ? { requiredInputs: inputs.required } : {}),
      properties: outputs.properties,
      ...(outputs.required.length > 0 ? { required: outputs.required } : {}),
    };
  }

  return {
    name: PLUGIN_PACKAGE,
    displayName: "Alibaba Cloud IMS event callbacks",
    version: manifest.version,
    description: manifest.description,
    keywords: [...manifest.keywords, "category/cloud", "kind/component"],
    license: manifest.license,
    // Where the CLI downloads the plugin when a program needs it (generated SDKs carry it in
    // pulumi-plugin.json `server` and in every resource's options): this repository's GitHub
    // releases, which hold pulumi-resource-alicloud-ims-callback-v<version>-<os>-<arch>.tar.gz.
    pluginDownloadURL: `github://api.github.com/${github.owner}/${github.repo}`,
    repository: `https://github.com/${github.owner}/${github.repo}`,
    homepage: manifest.homepage,
    publisher: github.owner,
    logoUrl: `https://raw.githubusercontent.com/${github.owner}/${github.repo}/main/${LOGO_FILE}`,
    // Generated SDKs ask the engine for the plugin at this version (gen-sdk --version is ignored
    // without respectSchemaVersion); the Go module path is what docs/languages.md's example imports.
    // The Node.js name is this npm package: TypeScript programs use its classes (no SDK generated).
    language: {
      nodejs: { packageName: manifest.name, respectSchemaVersion: true },
      python: { packageName: "pulumi_alicloud_ims_callback", respectSchemaVersion: true },
      go: {
        importBasePath: `github.com/${github.owner}/${github.repo}/sdk/go/imscallback`,
        respectSchemaVersion: true,
      },
      java: { basePackage: `io.github.${github.owner.replace(/[^A-Za-z0-9]/g, "").toLowerCase()}` },
      csharp: { rootNamespace: "AlibabaCloudIms", respectSchemaVersion: true },
    },
    config: { variables: configProps },
    provider: {
      description: `The ${PLUGIN_PACKAGE} provider: credentials and IMS client settings.`,
      inputProperties: configProps,
    },
    types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => a.localeCompare(b))),
    resources,
  };
}

function enumMemberName(value: string): string {
  if (value === "") return "Unset";
  const words = value.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase()).join("");
}

/** The schema as written to schema.json (generated, so .prettierignore leaves it alone). */
export function renderSchema(): string {
  return `${JSON.stringify(buildSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, renderSchema());
  process.stdout.write(`${path.relative(process.cwd(), SCHEMA_FILE)} written\n`);
}
