/**
 * The CLI cache of scripts/pulumi-cli.sh is shared by every checkout on the machine, so it must hold
 * copies: a link into one checkout breaks every other checkout once that one is deleted.
 *
 * Does not prove: a build from an empty cache (that takes minutes; the globalSetup provides the CLI).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ensurePulumiCli, hasLanguageHost, REPO_ROOT } from "../../scripts/engine";

const root = ensurePulumiCli();
const bin = path.join(root, "bin");
const inside = (dir: string, file: string) => !path.relative(dir, file).startsWith("..");

test("the cache's pulumi-resource-pulumi-nodejs is a regular file, a copy of @pulumi/pulumi's launcher", () => {
  const launcher = path.join(bin, "pulumi-resource-pulumi-nodejs");
  const stat = fs.lstatSync(launcher);
  expect({
    symlink: stat.isSymbolicLink(),
    file: stat.isFile(),
    executable: (stat.mode & 0o111) !== 0,
  }).toEqual({
    symlink: false,
    file: true,
    executable: true,
  });
  const shipped = fs.readFileSync(
    path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs"),
    "utf8",
  );
  expect(fs.readFileSync(launcher, "utf8")).toBe(shipped);
});

test("nothing in the cache's bin resolves into this checkout", () => {
  const entries = fs.readdirSync(bin);
  expect(entries).toEqual(expect.arrayContaining(["pulumi", "pulumi-resource-pulumi-nodejs"]));
  for (const entry of entries) {
    const real = fs.realpathSync(path.join(bin, entry));
    expect({ entry, intoCheckout: inside(REPO_ROOT, real) }).toEqual({
      entry,
      intoCheckout: false,
    });
  }
});

test("the language host sits next to the CLI, where the CLI looks first", () => {
  expect(hasLanguageHost(root)).toBe(true);
});
