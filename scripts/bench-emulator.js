/**
 * Benchmark of the IMS API emulator: GetEventCallback requests per second at a fixed concurrency,
 * signed by Alibaba's own runtime (@alicloud/openapi-core, V3), with p50/p99 latency, and as a
 * baseline in the same run a bare node:http server answering a fixed JSON body under the same
 * client load.
 *
 * Each server runs in its own child process, so the client and the server do not share one
 * event loop (which would halve both and hide which one is the bottleneck).
 *
 *   node scripts/bench-emulator.js [--requests 4000] [--concurrency 16]
 *
 * Needs `npm run build` first (it loads the emulator package, packages/emulator/dist).
 */
"use strict";

const { fork } = require("node:child_process");
const http = require("node:http");
const path = require("node:path");

const EMULATOR = "pulumi-alicloud-ims-emulator";
const { emulatorRpc } = require("./emulatorRpc");
const DEFAULTS = { requests: 4000, concurrency: 16, warmup: 200 };

/** Child process: serve the emulator (or the bare baseline) and report the Shanghai endpoint. */
async function serve(kind) {
  let close;
  let endpoint;
  if (kind === "emulator") {
    const { startEmulator } = require(EMULATOR);
    const emulator = await startEmulator({ adminPort: false });
    endpoint = emulator.endpoints["cn-shanghai"];
    close = () => emulator.close();
  } else {
    const body = JSON.stringify({
      RequestId: "00000000-0000-0000-0000-000000000000",
      CallbackType: "",
      CallbackQueueName: "",
      CallbackURL: "",
      EventTypeList: "",
      AuthSwitch: "off",
      AuthKey: "",
    });
    const server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "application/json;charset=utf-8" });
        res.end(body);
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${server.address().port}`;
    close = () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
  }
  process.send({ endpoint });
  process.on("message", async (message) => {
    if (message === "stop") {
      await close();
      process.exit(0);
    }
  });
}

/** Starts a server child and resolves with { endpoint, stop }. */
function startChild(kind) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "bench-emulator.js"), [`--serve-${kind}`], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`${kind} server exited early with code ${code}`)),
    );
    child.once("message", ({ endpoint }) => {
      child.removeAllListeners("exit");
      const stop = () =>
        new Promise((done) => {
          child.once("exit", () => done());
          child.send("stop");
          setTimeout(() => child.kill("SIGKILL"), 5000).unref();
        });
      resolve({ endpoint, stop });
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `total` GetEventCallback calls against `endpoint` with `concurrency` workers. */
async function load(endpoint, total, concurrency) {
  const getEventCallback = emulatorRpc(endpoint, "GetEventCallback", "2020-11-09");
  const latencies = new Float64Array(total);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const response = await getEventCallback();
      if (response.statusCode !== 200 || typeof response.body.RequestId !== "string")
        throw new Error(`unexpected answer ${response.statusCode}`);
      latencies[i] = Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return {
    requestsPerSecond: total / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

async function measure(kind, options) {
  const server = await startChild(kind);
  try {
    await load(server.endpoint, options.warmup, options.concurrency);
    return await load(server.endpoint, options.requests, options.concurrency);
  } finally {
    await server.stop();
  }
}

const fmt = (r) =>
  `${r.requestsPerSecond.toFixed(0).padStart(6)} req/s   p50 ${r.p50Ms.toFixed(2)} ms   p99 ${r.p99Ms.toFixed(2)} ms`;

/**
 * Runs the benchmark and prints it; resolves with the numbers.
 * @param {{ requests?: number, concurrency?: number, warmup?: number, print?: (line: string) => void }} [options]
 */
async function run(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const print = o.print || ((line) => console.log(line));
  const emulator = await measure("emulator", o);
  const baseline = await measure("baseline", o);
  const ratio = emulator.requestsPerSecond / baseline.requestsPerSecond;
  print(
    `IMS emulator: GetEventCallback signed by @alicloud/openapi-core (V3), concurrency ${o.concurrency}, ` +
      `${o.requests} requests after ${o.warmup} warm-up; each server in its own child process`,
  );
  print(`  emulator (signature check, store read)   ${fmt(emulator)}`);
  print(`  baseline (bare node:http, fixed JSON)     ${fmt(baseline)}`);
  print(`  ratio emulator / baseline                 ${(ratio * 100).toFixed(0)}%`);
  return { concurrency: o.concurrency, requests: o.requests, emulator, baseline, ratio };
}

module.exports = { run };

if (require.main === module) {
  const kind = process.argv.find((a) => a.startsWith("--serve-"));
  if (kind) {
    serve(kind.slice("--serve-".length)).catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    const { parseArgs } = require("node:util");
    const { values } = parseArgs({
      options: { requests: { type: "string" }, concurrency: { type: "string" } },
    });
    run({
      ...(values.requests ? { requests: Number(values.requests) } : {}),
      ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    }).catch((error) => {
      console.error(
        error.code === "MODULE_NOT_FOUND" ? `${error.message}\nRun "npm run build" first.` : error,
      );
      process.exit(1);
    });
  }
}
