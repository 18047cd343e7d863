/**
 * The generated parts of docs/ match what scripts/docs.ts renders from the code today: the policy
 * table from each policy's metadata, the configuration reference from the settings tables.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { BENCH_SECTIONS, sectionsIn } from "../scripts/benchSections";
import { BENCHMARKS_BLOCK, committedBlock, GENERATED_BLOCKS } from "../scripts/docs";

const ROOT = path.resolve(__dirname, "..");
let rendered: Record<string, string>;

beforeAll(() => {
  // Rendered in a child process: Prettier formats each block, and Jest's VM refuses its import().
  const output = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "scripts/docs.ts", "--print"],
    { cwd: ROOT, encoding: "utf8" },
  );
  rendered = JSON.parse(output) as Record<string, string>;
}, 60_000);

describe.each(GENERATED_BLOCKS.map((block) => [`${block.file}#${block.name}`, block] as const))(
  "%s",
  (label, block) => {
    it("is committed as rendered from the code", () => {
      const committed = committedBlock(block);
      if (committed !== rendered[block.name]) {
        throw new Error(
          `${label} is ${committed === undefined ? "missing its markers" : "stale"}: run npm run docs:generate`,
        );
      }
      expect(committed).toBe(rendered[block.name]);
    });
  },
);

describe("docs/benchmarks.md", () => {
  it("holds the report of a full npm run bench with every section the bench prints", () => {
    const report = committedBlock(BENCHMARKS_BLOCK) ?? "";
    expect(report).not.toMatch(/\(quick:/);
    expect(sectionsIn(report)).toEqual(BENCH_SECTIONS);
  });
});
