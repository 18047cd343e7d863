/**
 * The Windows twin of the plugin's launcher (`bin/pulumi-resource-alicloud-ims-callback.cmd`), for
 * contributors who run the plugin from a checkout or the npm package on Windows (the engine probes
 * `.exe` then `.cmd` on PATH there). No cmd.exe runs here: the test checks that the twin says what
 * the POSIX launcher says, line endings and all.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const BIN = path.join(__dirname, "..", "..", "bin");
const SH = fs.readFileSync(path.join(BIN, "pulumi-resource-alicloud-ims-callback"), "utf8");
const CMD_FILE = path.join(BIN, "pulumi-resource-alicloud-ims-callback.cmd");

it("exists beside the POSIX launcher, in CRLF lines, and is shipped in the npm package", () => {
  const cmd = fs.readFileSync(CMD_FILE, "utf8");
  expect(cmd.startsWith("@echo off\r\n")).toBe(true);
  expect(cmd.replace(/\r\n/g, "")).not.toContain("\n");
  const manifest = require("../../package.json") as { files: string[] };
  expect(manifest.files).toContain("bin");
});

it("starts dist/plugin/main.js from the package (bin/..) or the archive layout (beside it) with every argument", () => {
  const cmd = fs.readFileSync(CMD_FILE, "utf8");
  // The same two places the POSIX launcher looks.
  expect(SH).toContain('"$dir/dist/plugin/main.js" "$@"');
  expect(SH).toContain('"$dir/../dist/plugin/main.js" "$@"');
  expect(cmd).toContain('node "%~dp0dist\\plugin\\main.js" %*');
  expect(cmd).toContain('node "%~dp0..\\dist\\plugin\\main.js" %*');
  expect(cmd).toMatch(/exit \/b %ERRORLEVEL%\r\n$/);
});

it("refuses a missing or older Node.js with the POSIX launcher's messages", () => {
  const cmd = fs.readFileSync(CMD_FILE, "utf8");
  const messages = [
    ...SH.matchAll(/echo "(pulumi-resource-[^"]*?)(?:\$\{version|; the node)/g),
  ].map((m) => m[1]);
  expect(messages.length).toBeGreaterThan(0);
  for (const message of messages) expect(cmd).toContain(message);
  expect(cmd).toMatch(/if %major% LSS 20 \(/);
});
