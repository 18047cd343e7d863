/**
 * The runtime's warnings go to the warner of the operation being served (the provider plugin's,
 * which logs under the resource's URN), each operation's to its own even when they overlap, and to
 * `pulumi.log.warn` otherwise (the dynamic provider's host). The CLI's side:
 * test/e2e/languagesYamlWarnings.test.ts.
 */
import * as log from "@pulumi/pulumi/log";
import { warn, withWarner } from "../../lib/runtime/warnings";

afterEach(() => jest.restoreAllMocks());

test("overlapping operations each warn through their own warner, awaited", async () => {
  const logged: string[] = [];
  const pulumiWarn = jest.spyOn(log, "warn").mockResolvedValue(undefined);
  const operation = (name: string, delayMs: number) =>
    withWarner(
      async (message) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logged.push(`${name}: ${message}`);
      },
      async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        await warn(`from ${name}`);
        return logged.length;
      },
    );
  const [first, second] = await Promise.all([operation("a", 20), operation("b", 1)]);
  expect(logged).toEqual(["b: from b", "a: from a"]);
  expect([first, second]).toEqual([2, 1]);
  expect(pulumiWarn).not.toHaveBeenCalled();
});

test("outside an operation with a warner, pulumi.log.warn (the dynamic provider's path)", async () => {
  const pulumiWarn = jest.spyOn(log, "warn").mockResolvedValue(undefined);
  await warn("no warner");
  expect(pulumiWarn).toHaveBeenCalledWith("no warner");
});
