/**
 * The Maven build scripts/gen-sdks.sh writes for the generated Java SDK (scripts/javaSdkBuild.ts):
 * coordinates, the Pulumi Java SDK range, the jar's resources, and the one generated call that does
 * not compile. The jar itself is built and run in test/e2e/languagesJava.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  javaSdkCoordinates,
  javaSdkPom,
  PULUMI_JAVA_SDK_VERSION,
  withoutComponentSecretOutputs,
  writeJavaSdkBuild,
  type JavaSdkSchema,
} from "../../scripts/javaSdkBuild";

const schema: JavaSdkSchema = {
  name: "alicloud-ims-callback",
  displayName: "Alibaba Cloud IMS event callbacks",
  description: "IMS callbacks <as resources> & more",
  license: "Apache-2.0",
  repository: "https://github.com/example/repo",
  pluginDownloadURL: "github://api.github.com/example/repo",
  language: { java: { basePackage: "io.github.example" } },
};

describe("javaSdkCoordinates", () => {
  test("takes the group from the schema's base package and the artifact from its name", () => {
    expect(javaSdkCoordinates(schema, "1.2.3")).toEqual({
      groupId: "io.github.example",
      artifactId: "alicloud-ims-callback",
      version: "1.2.3",
      resourceDir: "io/github/example/alicloud-ims-callback",
    });
  });

  test("defaults to the generator's base package", () => {
    expect(javaSdkCoordinates({ name: "x" }, "1.0.0")).toMatchObject({
      groupId: "com.pulumi",
      resourceDir: "com/pulumi/x",
    });
  });
});

describe("javaSdkPom", () => {
  const pom = javaSdkPom(schema, "1.2.3");

  test("declares the Pulumi Java SDK as a range from the tested release to the next major", () => {
    expect(pom).toContain(
      `<pulumi.java.version>[${PULUMI_JAVA_SDK_VERSION},2.0)</pulumi.java.version>`,
    );
    expect(pom).toMatch(
      /<groupId>com\.pulumi<\/groupId>\s*<artifactId>pulumi<\/artifactId>\s*<version>\$\{pulumi\.java\.version\}<\/version>/,
    );
  });

  test("carries the coordinates, license and repository, XML-escaped", () => {
    expect(pom).toContain("<groupId>io.github.example</groupId>");
    expect(pom).toContain("<artifactId>alicloud-ims-callback</artifactId>");
    expect(pom).toContain("<version>1.2.3</version>");
    expect(pom).toContain("<name>Apache-2.0</name>");
    expect(pom).toContain("<url>https://github.com/example/repo</url>");
    expect(pom).toContain("IMS callbacks &lt;as resources&gt; &amp; more");
  });

  test("has no double hyphen inside its comments (XML forbids it)", () => {
    for (const comment of pom.match(/<!--[\s\S]*?-->/g) ?? []) {
      expect(comment.slice(4, -3)).not.toContain("--");
    }
  });
});

describe("withoutComponentSecretOutputs", () => {
  const component = `        var defaultOptions = com.pulumi.resources.ComponentResourceOptions.builder()
            .version(Utilities.getVersion())
            .pluginDownloadURL("github://api.github.com/example/repo")
            .additionalSecretOutputs(List.of(
                "authKey"
            ))
            .build();`;

  test("drops additionalSecretOutputs from a component's options", () => {
    expect(withoutComponentSecretOutputs(component))
      .toBe(`        var defaultOptions = com.pulumi.resources.ComponentResourceOptions.builder()
            .version(Utilities.getVersion())
            .pluginDownloadURL("github://api.github.com/example/repo")
            .build();`);
  });

  test("keeps it on a custom resource's options", () => {
    const custom = component.replace("ComponentResourceOptions", "CustomResourceOptions");
    expect(withoutComponentSecretOutputs(custom)).toBe(custom);
  });
});

test("writeJavaSdkBuild writes the pom, version.txt and the plugin.json the Java host reads", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "java-sdk-"));
  try {
    const sources = path.join(dir, "src", "main", "java", "io", "github", "example");
    fs.mkdirSync(sources, { recursive: true });
    fs.writeFileSync(path.join(sources, "Component.java"), `class C {\n${"    "}void f() {\n}}\n`);
    writeJavaSdkBuild(schema, dir, "1.2.3");
    const resources = path.join(dir, "src", "main", "resources", "io", "github", "example");
    expect(
      fs.readFileSync(path.join(resources, "alicloud-ims-callback", "version.txt"), "utf8"),
    ).toBe("1.2.3\n");
    expect(
      JSON.parse(
        fs.readFileSync(path.join(resources, "alicloud-ims-callback", "plugin.json"), "utf8"),
      ),
    ).toEqual({
      resource: true,
      name: "alicloud-ims-callback",
      version: "1.2.3",
      server: "github://api.github.com/example/repo",
    });
    expect(fs.readFileSync(path.join(dir, "pom.xml"), "utf8")).toContain(
      "<version>1.2.3</version>",
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
