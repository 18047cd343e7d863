/**
 * Writes the Maven build of the Java SDK that `pulumi package gen-sdk --language java` generated from
 * schema.json (scripts/gen-sdks.sh calls it): a `pom.xml` beside the generator's own `build.gradle`,
 * and the two resources the SDK reads from its jar, which the generator leaves to a Gradle task:
 *
 * - `<base package path>/<name>/version.txt`: the version each resource asks the engine for;
 * - `<base package path>/<name>/plugin.json`: how the Java language host finds the plugin a program
 *   needs (name, version and download URL), by scanning the program's classpath.
 *
 * It also drops one call the generator emits that does not compile: `additionalSecretOutputs` on the
 * options of a component whose schema marks an output secret (`ImsCallback.authKey`). The Java SDK's
 * `ComponentResourceOptions` has no such option (pulumi/pulumi#11545, open), and a component's
 * outputs are what the plugin's `construct` returns, where that output is already a secret.
 *
 * The coordinates are the generator's (group = `language.java.basePackage`, default `com.pulumi`;
 * artifact = the schema's name) so the jar is the one its Gradle build would publish. The Pulumi Java
 * SDK is a dependency with a version range (property `pulumi.java.version`); a build pins it with
 * `-Dpulumi.java.version=<version>`.
 *
 * Usage: node -r ts-node/register/transpile-only scripts/javaSdkBuild.ts SCHEMA JAVA_DIR VERSION
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The oldest Pulumi Java SDK the generated code is built and tested against (Maven Central). */
export const PULUMI_JAVA_SDK_VERSION = "1.20.0";
/** The range the SDK's pom declares: this major version from the tested release on. */
export const PULUMI_JAVA_SDK_RANGE = `[${PULUMI_JAVA_SDK_VERSION},2.0)`;
/** The Java release the SDK is compiled for (the generator's Gradle toolchain asks for 11). */
const JAVA_RELEASE = "11";

/**
 * The Maven plugins of the build, pinned (Maven 3.8, the machines' Debian package, runs them all).
 * Also the versions the examples' poms use.
 */
export const MAVEN_PLUGINS = {
  "maven-clean-plugin": "3.3.2",
  "maven-resources-plugin": "3.3.1",
  "maven-compiler-plugin": "3.13.0",
  "maven-surefire-plugin": "3.3.0",
  "maven-jar-plugin": "3.4.2",
  "maven-source-plugin": "3.3.1",
  "maven-install-plugin": "3.1.2",
  "maven-deploy-plugin": "3.1.2",
} as const;

/** The parts of schema.json this build reads. */
export interface JavaSdkSchema {
  name: string;
  displayName?: string;
  description?: string;
  license?: string;
  repository?: string;
  homepage?: string;
  pluginDownloadURL?: string;
  language?: { java?: { basePackage?: string; dependencies?: Record<string, string> } };
}

/** Where a Java SDK is published: its Maven coordinates and the resource folder of its jar. */
export interface JavaSdkCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
  /** The folder of version.txt and plugin.json inside the jar (the generated Utilities reads it). */
  resourceDir: string;
}

/** The Maven coordinates and resource folder the generator gives the schema's Java SDK. */
export function javaSdkCoordinates(schema: JavaSdkSchema, version: string): JavaSdkCoordinates {
  const basePackage = (schema.language?.java?.basePackage ?? "com.pulumi").replace(/\.$/, "");
  return {
    groupId: basePackage,
    artifactId: schema.name,
    version,
    resourceDir: `${basePackage.replace(/\./g, "/")}/${schema.name}`,
  };
}

const LICENSE_URLS: Record<string, string> = {
  "Apache-2.0": "https://www.apache.org/licenses/LICENSE-2.0.txt",
  MIT: "https://opensource.org/license/mit",
};

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The SDK's pom.xml. */
export function javaSdkPom(schema: JavaSdkSchema, version: string): string {
  const { groupId, artifactId } = javaSdkCoordinates(schema, version);
  const url = schema.repository ?? schema.homepage;
  // The generator's default dependencies of generated code, overridden by the schema's own.
  const dependencies: Record<string, string> = {
    "com.google.code.gson:gson": "2.8.9",
    "com.google.code.findbugs:jsr305": "3.0.2",
    ...schema.language?.java?.dependencies,
  };
  delete dependencies["com.pulumi:pulumi"];
  const dependency = (coordinates: string, v: string) => {
    const [g, a] = coordinates.split(":");
    return `    <dependency>
      <groupId>${xml(g)}</groupId>
      <artifactId>${xml(a)}</artifactId>
      <version>${xml(v)}</version>
    </dependency>`;
  };
  const plugins = Object.entries(MAVEN_PLUGINS)
    .map(
      ([a, v]) => `      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>${a}</artifactId>
        <version>${v}</version>
      </plugin>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/gen-sdks.sh (scripts/javaSdkBuild.ts) from schema.json: the Maven build of the
     Java SDK that \`pulumi package gen-sdk\` generated for Java. Build the jar: mvn package -->
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>

  <groupId>${xml(groupId)}</groupId>
  <artifactId>${xml(artifactId)}</artifactId>
  <version>${xml(version)}</version>
  <packaging>jar</packaging>

  <name>${xml(schema.displayName ?? artifactId)}</name>
  <description>${xml(schema.description ?? "")}</description>
${url ? `  <url>${xml(url)}</url>\n` : ""}${
    schema.license
      ? `  <licenses>
    <license>
      <name>${xml(schema.license)}</name>
${LICENSE_URLS[schema.license] ? `      <url>${LICENSE_URLS[schema.license]}</url>\n` : ""}    </license>
  </licenses>
`
      : ""
  }${
    schema.repository
      ? `  <scm>
    <url>${xml(schema.repository)}</url>
  </scm>
`
      : ""
  }
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>${JAVA_RELEASE}</maven.compiler.release>
    <!-- The Pulumi Java SDK: a range for the programs that use this SDK; a build pins it with
         -Dpulumi.java.version=${PULUMI_JAVA_SDK_VERSION} -->
    <pulumi.java.version>${PULUMI_JAVA_SDK_RANGE}</pulumi.java.version>
  </properties>

  <dependencies>
${[dependency("com.pulumi:pulumi", "${pulumi.java.version}"), ...Object.entries(dependencies).map(([c, v]) => dependency(c, v))].join("\n")}
  </dependencies>

  <build>
    <plugins>
${plugins}
    </plugins>
  </build>
</project>
`;
}

/** The plugin.json the Java language host reads from the jar: the plugin a program needs. */
export function javaSdkPluginJson(schema: JavaSdkSchema, version: string): string {
  return `${JSON.stringify(
    {
      resource: true,
      name: schema.name,
      version,
      ...(schema.pluginDownloadURL ? { server: schema.pluginDownloadURL } : {}),
    },
    null,
    2,
  )}\n`;
}

/**
 * A generated class without the `additionalSecretOutputs(...)` call on `ComponentResourceOptions`
 * (see the file comment); any other source is returned unchanged.
 */
export function withoutComponentSecretOutputs(source: string): string {
  return source.replace(
    /(ComponentResourceOptions\.builder\(\)(?:\s*\.(?!additionalSecretOutputs)\w+\([^;]*?\))*)\s*\.additionalSecretOutputs\(List\.of\([^)]*\)\)/g,
    "$1",
  );
}

/** The files under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}

/** Writes pom.xml and the jar's resources into the generated SDK at `javaDir`. */
export function writeJavaSdkBuild(schema: JavaSdkSchema, javaDir: string, version: string): void {
  const { resourceDir } = javaSdkCoordinates(schema, version);
  const resources = path.join(javaDir, "src", "main", "resources", ...resourceDir.split("/"));
  fs.mkdirSync(resources, { recursive: true });
  fs.writeFileSync(path.join(resources, "version.txt"), `${version}\n`);
  fs.writeFileSync(path.join(resources, "plugin.json"), javaSdkPluginJson(schema, version));
  fs.writeFileSync(path.join(javaDir, "pom.xml"), javaSdkPom(schema, version));
  for (const file of filesUnder(path.join(javaDir, "src", "main", "java"))) {
    if (!file.endsWith(".java")) continue;
    const source = fs.readFileSync(file, "utf8");
    const patched = withoutComponentSecretOutputs(source);
    if (patched !== source) fs.writeFileSync(file, patched);
  }
}

if (require.main === module) {
  const [schemaFile, javaDir, version] = process.argv.slice(2);
  if (!schemaFile || !javaDir || !version) {
    process.stderr.write("usage: javaSdkBuild.ts SCHEMA JAVA_DIR VERSION\n");
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as JavaSdkSchema;
  writeJavaSdkBuild(schema, javaDir, version);
}
