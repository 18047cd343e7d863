/**
 * Programs in other languages through the provider plugin, as a user without npm runs them: a YAML
 * program (`runtime: yaml`) and a Go program on the Go SDK generated from schema.json, each in a fresh
 * directory that holds only the program, with the plugin installed from the packed release artifact
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
  EVENT_TYPES,
  PLUGIN,
  runOrThrow,
  urlOf,
  useLanguageSuite,
  VERSION,
  type LanguageProgram,
} from "./languageSupport";

const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as {
  language: { go: { importBasePath: string } };
};

const yamlProgram: LanguageProgram = {
  language: "YAML",
  project: "ims-yaml",
  httpRegions: ["cn-beijing", "cn-shenzhen"],
  queueRegion: "cn-hangzhou",
  write(dir) {
    const http = this.httpRegions.map(
      (region) => `  http-${region}:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${region}
      http:
        url: ${urlOf(region)}
        authKey: \${authKey}
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
`,
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: ims-yaml
runtime: yaml
config:
  authKey:
    type: string
resources:
${http.join("")}  queued:
    type: ${PLUGIN}:index:ImsCallback
    properties:
      region: ${this.queueRegion}
      queue:
        options:
          pollingWaitSeconds: 20
      eventTypes: ${JSON.stringify(EVENT_TYPES)}
outputs:
  queueName: \${queued.queueName}
`,
    );
  },
};

const goProgram: LanguageProgram = {
  language: "Go",
  project: "ims-go",
  httpRegions: ["ap-southeast-1", "us-west-1"],
  queueRegion: "cn-shanghai",
  write(dir, sdkDir) {
    const sdkModule = path.posix.dirname(SCHEMA.language.go.importBasePath);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: ims-go\nruntime: go\n");
    fs.writeFileSync(
      path.join(dir, "go.mod"),
      `module example.com/ims-go

go 1.25

require (
\tgithub.com/pulumi/pulumi/sdk/v3 v3.248.0
\t${sdkModule} v${VERSION}
)

replace ${sdkModule} => ${path.join(sdkDir, "go")}
`,
    );
    fs.writeFileSync(
      path.join(dir, "main.go"),
      `package main

import (
\tims "${SCHEMA.language.go.importBasePath}"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
\tpulumi.Run(func(ctx *pulumi.Context) error {
\t\tauthKey := config.RequireSecret(ctx, "ims-go:authKey")
\t\teventTypes := pulumi.ToStringArray([]string{${EVENT_TYPES.map((e) => JSON.stringify(e)).join(", ")}})
\t\tfor _, region := range []string{${this.httpRegions.map((r) => JSON.stringify(r)).join(", ")}} {
\t\t\t_, err := ims.NewImsCallback(ctx, "http-"+region, &ims.ImsCallbackArgs{
\t\t\t\tRegion:     pulumi.String(region),
\t\t\t\tHttp:       &ims.ImsCallbackHttpTargetArgs{Url: pulumi.String(${JSON.stringify(urlOf(""))} + region), AuthKey: authKey},
\t\t\t\tEventTypes: eventTypes,
\t\t\t})
\t\t\tif err != nil {
\t\t\t\treturn err
\t\t\t}
\t\t}
\t\tqueued, err := ims.NewImsCallback(ctx, "queued", &ims.ImsCallbackArgs{
\t\t\tRegion:     pulumi.String(${JSON.stringify(this.queueRegion)}),
\t\t\tQueue:      &ims.ImsCallbackQueueTargetArgs{Options: &ims.ImsCallbackQueueOptionsArgs{PollingWaitSeconds: pulumi.Float64(20)}},
\t\t\tEventTypes: eventTypes,
\t\t})
\t\tif err != nil {
\t\t\treturn err
\t\t}
\t\tctx.Export("queueName", queued.QueueName)
\t\treturn nil
\t})
}
`,
    );
    // go.sum, and the first build of the program and the Pulumi Go SDK into the machine's Go build
    // cache (minutes the first time), here rather than inside the first `pulumi up`.
    runOrThrow("go", ["mod", "tidy"], dir);
    runOrThrow("go", ["build", "-o", os.devNull, "."], dir);
  },
};

const suite = useLanguageSuite({ sdkLanguages: ["go"] });

describeProgram(suite, yamlProgram);
describeProgram(suite, goProgram);
