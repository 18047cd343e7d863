/**
 * Provides the pinned Pulumi CLI once, before any suite runs, so parallel end-to-end suites do not
 * race to build it (the first build from Go modules takes several minutes; later runs reuse the cache).
 */
import { ensurePulumiCli } from "../scripts/engine";

export default async function globalSetup(): Promise<void> {
  const root = ensurePulumiCli();
  process.stderr.write(`\n[e2e] Pulumi CLI at ${root}/bin\n`);
}
