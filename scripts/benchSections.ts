/**
 * The sections `npm run bench` prints, in order: the quick-bench e2e test checks that a run prints
 * them all, and test/docs.test.ts that docs/benchmarks.md holds a full run of them all.
 */
export const BENCH_SECTIONS = [
  "IMS emulator throughput",
  "Callback verification",
  "Queue consumer throughput",
  "Entry point load time (fresh process)",
  "IMS API calls per operation",
  "Serialized provider size per resource in the state",
  "preview --refresh wall time",
  "Policy pack: preview of a project stack with 6 settings",
  "Provider plugin start-up",
  "preview --refresh of 6 settings: plugin vs dynamic provider vs empty program",
] as const;

/** The `## ` headings of a bench report, each mapped to the section it starts with. */
export function sectionsIn(report: string): string[] {
  return report
    .split("\n")
    .filter((line) => line.startsWith("## "))
    .map((line) => line.slice(3))
    .map((heading) => BENCH_SECTIONS.find((s) => heading.startsWith(s)) ?? heading);
}
