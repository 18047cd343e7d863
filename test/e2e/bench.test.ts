/**
 * `npm run bench` cannot break unnoticed: its quick mode (`scripts/bench.ts --quick`, every section
 * once with small counts) runs end to end through the real engine and prints every section with
 * numbers. The numbers themselves are not judged here: they belong to `npm run bench`.
 *
 * The global setup has built dist/, so the script runs as `npm run bench` runs it, without the build.
 */
import { BENCH_SECTIONS, sectionsIn } from "../../scripts/benchSections";
import { runRepoScript } from "./repoScript";

test("the quick bench runs every section to the end, the 200 ms latency section included", async () => {
  const { code, output } = await runRepoScript("bench.ts", ["--quick"], {
    ...process.env,
    BENCH_REPEATS: "1",
  });
  expect({ code, tail: code === 0 ? "" : output.slice(-4000) }).toEqual({ code: 0, tail: "" });

  expect(sectionsIn(output)).toEqual(BENCH_SECTIONS);

  // Each section prints at least one number, and the one-region stack under latency came up.
  const sections = output.split(/^## /m).slice(1);
  for (const section of sections) {
    const [heading, ...lines] = section.split("\n");
    expect({ heading, numbers: lines.some((line) => /\d/.test(line)) }).toEqual({
      heading,
      numbers: true,
    });
  }
  expect(output).toMatch(/with 200 ms API latency, 1 region: +\d+ ms/);
  expect(output).toMatch(/added by the pack: +-?\d+ ms/);
}, 1_800_000);
