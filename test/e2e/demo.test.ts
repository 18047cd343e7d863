/**
 * `npm run demo` (the README's main job) cannot break unnoticed: the script runs to the end through
 * the pinned CLI in a project directory, as a person runs it, and its output shows what the README
 * promises: the console edit as drift in `preview --refresh`, one read per region, nothing left to do
 * after `up --refresh`, the region as before after `destroy`, and never the auth key.
 *
 * The global setup has built dist/ and provided the CLI with its language host, so the script runs
 * as `npm run demo` runs it, without the build.
 */
import { DEMO_AUTH_KEY } from "../../scripts/demo";
import { runRepoScript } from "./repoScript";

/** The text of step `n` of the demo's output, up to the next step. */
function stepText(output: string, n: number): string {
  const start = output.indexOf(`== ${n}. `);
  const end = output.indexOf(`== ${n + 1}. `, start);
  return start < 0 ? "" : output.slice(start, end < 0 ? undefined : end);
}

test("npm run demo runs through the CLI and shows the drift, its repair and the restore", async () => {
  const { code, output } = await runRepoScript("demo.ts");
  expect({ code, tail: code === 0 ? "" : output.slice(-4000) }).toEqual({ code: 0, tail: "" });
  expect(output).toContain("Running the project with the CLI, as you would.");

  const drift = stepText(output, 4);
  expect(drift).toMatch(
    /~ pulumi-nodejs:dynamic\/ims:EventCallback: \(update\)\s+\[id=cn-shanghai\]/,
  );
  expect(drift).toContain(
    '"https://someone-else.example.net/hook" => "https://dev.media.example.com',
  );
  expect(drift).toMatch(/~ 1 to update/);
  // One GetEventCallback per region, in whichever order the two reads arrive.
  const calls = /IMS calls made: (\{.*\})/.exec(drift)?.[1];
  expect(calls && JSON.parse(calls)).toEqual({
    GetEventCallback: { "cn-shanghai": 1, "cn-hangzhou": 1 },
  });

  expect(stepText(output, 5)).toContain("preview --refresh --expect-no-changes exits 0");
  expect(stepText(output, 6)).toContain(
    'IMS in cn-shanghai after destroy: {"CallbackType":"","CallbackURL":""',
  );
  expect(output).toMatch(/Demo finished in \d+(\.\d+)? s\./);
  expect(output.includes(DEMO_AUTH_KEY)).toBe(false);
}, 900_000);
