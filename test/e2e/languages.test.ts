/**
 * Programs in other languages through the provider plugin, as a user without npm runs them: a YAML
 * program (`runtime: yaml`, examples/yaml) and a Go program on the Go SDK generated from schema.json
 * (examples/go, its go.mod's `replace` pointed at this run's SDK), each copied into a fresh directory
 * that holds only the program, with the plugin installed from the packed release artifact
 * (`pulumi plugin install resource alicloud-ims-callback <version> --file <tarball>`) into the stack's
 * PULUMI_HOME, and the real alicloud plugin for the queue method. Each program declares `ImsCallback`
 * twice with the HTTP method (two regions) and once with the queue method (a third region); each goes
 * through the steps of languageSupport.ts's `describeProgram`: `up`, an unchanged preview with no
 * change at all, `preview --refresh --expect-no-changes` failing on a setting edited in the emulator,
 * `up --refresh` repairing it, and `destroy` restoring every region.
 *
 * Python and Java programs: languagesPython.test.ts and languagesJava.test.ts. What none proves: C#
 * programs (no .NET SDK on the build machines; the C# SDK is generated in languagesSdk.test.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../../scripts/engine";
import {
  describeProgram,
  runOrThrow,
  useLanguageSuite,
  type LanguageProgram,
} from "./languageSupport";

const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  language: { go: { importBasePath: string } };
};
/** The examples the programs are: each copied into a fresh directory as it is. */
const example = (language: string) => path.join(REPO_ROOT, "examples", language);

const yamlProgram: LanguageProgram = {
  language: "YAML",
  project: "ims-yaml",
  httpRegions: ["cn-beijing", "cn-shenzhen"],
  queueRegion: "cn-hangzhou",
  write(dir) {
    fs.copyFileSync(path.join(example("yaml"), "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  },
};

const goProgram: LanguageProgram = {
  language: "Go",
  project: "ims-go",
  httpRegions: ["ap-southeast-1", "us-west-1"],
  queueRegion: "cn-shanghai",
  write(dir, sdkDir) {
    for (const file of ["Pulumi.yaml", "go.mod", "main.go"]) {
      fs.copyFileSync(path.join(example("go"), file), path.join(dir, file));
    }
    // The example's `replace` points at the repository's sdk/go; here, at the SDK of this run.
    const sdkModule = path.posix.dirname(SCHEMA.language.go.importBasePath);
    runOrThrow("go", ["mod", "edit", `-replace=${sdkModule}=${path.join(sdkDir, "go")}`], dir);
    // go.sum, and the first build of the program and the Pulumi Go SDK into the machine's Go build
    // cache (minutes the first time), here rather than inside the first `pulumi up`.
    runOrThrow("go", ["mod", "tidy"], dir);
    runOrThrow("go", ["build", "-o", os.devNull, "."], dir);
  },
};

const suite = useLanguageSuite({ sdkLanguages: ["go"] });

describeProgram(suite, yamlProgram);
describeProgram(suite, goProgram);
