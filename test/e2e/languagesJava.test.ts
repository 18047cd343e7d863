/**
 * A Java program through the provider plugin, as a Java user runs it: the SDK generated from
 * schema.json by `pulumi package gen-sdk --language java` (the Java language host of pulumi-java,
 * scripts/language-hosts.sh), built into a jar with Maven against `com.pulumi:pulumi` from Maven
 * Central (pinned; scripts/package-sdks.sh) and put into a file Maven repository, the program
 * (examples/java, a Maven project depending on that jar) run by the Java language host
 * (`runtime: java`: `mvn compile exec:java`), the plugin installed from the packed release artifact,
 * the real alicloud plugin for the queue method. The program goes through the steps of
 * languageSupport.ts's `describeProgram`; the jar carries the coordinates, version, dependency range
 * and plugin the Java host reads from a program's classpath.
 *
 * Maven's repository is the user's (~/.m2): the first run downloads the Pulumi Java SDK, its
 * dependencies and Maven's plugins once.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";
import { javaSdkCoordinates, PULUMI_JAVA_SDK_VERSION } from "../../scripts/javaSdkBuild";
import {
  describeProgram,
  PLUGIN,
  runOrThrow,
  useLanguageSuite,
  VERSION,
  type LanguageProgram,
} from "./languageSupport";

const EXAMPLE = path.join(REPO_ROOT, "examples", "java");
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  name: string;
  license?: string;
  pluginDownloadURL?: string;
  language?: { java?: { basePackage?: string } };
};
const COORDINATES = javaSdkCoordinates(SCHEMA, VERSION);

let jar: string;
let repository: string;

const suite = useLanguageSuite({
  sdkLanguages: ["java"],
  prepareSdks(sdkDir) {
    runOrThrow("bash", [path.join(REPO_ROOT, "scripts", "package-sdks.sh"), sdkDir], REPO_ROOT);
    const target = path.join(sdkDir, "java", "target");
    jar = path.join(
      target,
      fs.readdirSync(target).find((file) => file.endsWith(".jar"))!,
    );
    repository = path.join(sdkDir, "java", "repository");
  },
});

const javaProgram: LanguageProgram = {
  language: "Java",
  project: "ims-java",
  httpRegions: ["us-west-1", "ap-southeast-1"],
  queueRegion: "cn-shanghai",
  write(dir) {
    fs.cpSync(EXAMPLE, dir, {
      recursive: true,
      filter: (source) => path.basename(source) !== "target",
    });
    // The SDK's repository of this run, for the example's `ims.sdk.repository` property (Maven reads
    // .mvn/maven.config of the project at every run, the language host's included).
    fs.mkdirSync(path.join(dir, ".mvn"));
    fs.writeFileSync(
      path.join(dir, ".mvn", "maven.config"),
      `-Dims.sdk.repository=file://${repository}\n`,
    );
    // Dependencies resolved and the program compiled here rather than inside the first `pulumi up`.
    runOrThrow("mvn", ["--batch-mode", "--quiet", "--no-transfer-progress", "compile"], dir);
  },
};

describeProgram(suite, javaProgram);

describe("the Java SDK's jar", () => {
  /** The text of one file of the jar (a zip). */
  const member = (name: string) => runOrThrow("unzip", ["-p", jar, name], REPO_ROOT);
  const mavenDir = `META-INF/maven/${COORDINATES.groupId}/${COORDINATES.artifactId}`;

  test("has the coordinates the generator gives the schema, at this package's version", () => {
    expect(path.basename(jar)).toBe(`${COORDINATES.artifactId}-${VERSION}.jar`);
    const properties = member(`${mavenDir}/pom.properties`);
    expect(properties).toContain(`groupId=${COORDINATES.groupId}`);
    expect(properties).toContain(`artifactId=${COORDINATES.artifactId}`);
    expect(properties).toContain(`version=${VERSION}`);
    // The repository programs use holds the same artifact.
    const inRepository = path.join(
      repository,
      ...COORDINATES.groupId.split("."),
      COORDINATES.artifactId,
      VERSION,
      `${COORDINATES.artifactId}-${VERSION}.jar`,
    );
    expect(fs.readFileSync(inRepository)).toEqual(fs.readFileSync(jar));
  });

  test("depends on com.pulumi:pulumi with a range from the pinned release to the next major", () => {
    const pom = member(`${mavenDir}/pom.xml`);
    const range = /<pulumi\.java\.version>([^<]+)<\/pulumi\.java\.version>/.exec(pom)?.[1];
    expect(range).toBe(`[${PULUMI_JAVA_SDK_VERSION},2.0)`);
    expect(pom).toMatch(
      /<groupId>com\.pulumi<\/groupId>\s*<artifactId>pulumi<\/artifactId>\s*<version>\$\{pulumi\.java\.version\}<\/version>/,
    );
    if (SCHEMA.license) expect(pom).toContain(`<name>${SCHEMA.license}</name>`);
  });

  test("carries the version and the plugin the Java language host reads from the classpath", () => {
    expect(member(`${COORDINATES.resourceDir}/version.txt`).trim()).toBe(VERSION);
    expect(JSON.parse(member(`${COORDINATES.resourceDir}/plugin.json`))).toEqual({
      resource: true,
      name: PLUGIN,
      version: VERSION,
      ...(SCHEMA.pluginDownloadURL ? { server: SCHEMA.pluginDownloadURL } : {}),
    });
  });
});
