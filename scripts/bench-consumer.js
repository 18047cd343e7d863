/**
 * Benchmark of the queue consumer: IMS events per second that `consumeCallbackQueue` takes out of
 * a queue (receive in batches of 16, parse, no-op handler, delete each), against a bare loop of the
 * same `@alicloud/mns` client that receives batches of 16 and deletes each message (no parsing, no
 * bookkeeping), both with 16 deletes in flight. The emulator serves the MNS data API in its own
 * child process; each run drains the same number of messages from a queue filled beforehand.
 *
 *   node scripts/bench-consumer.js [--messages 2000]
 *
 * Needs `npm run build` first (it loads ../dist).
 */
"use strict";

const { fork } = require("node:child_process");
const path = require("node:path");

const DIST = path.join(__dirname, "..", "dist");
const { emulatorRpc } = require("./emulatorRpc");
const REGION = "cn-shanghai";
const CONCURRENCY = 16;
const ROUNDS = 3;

/** Child process: the emulator, with IMS authorized to every ice-callback- queue. */
async function serve() {
  const { startEmulator } = require("pulumi-alicloud-ims-emulator");
  const emulator = await startEmulator({
    adminPort: false,
    behaviour: { imsQueueGrant: "ice-callback-queues" },
  });
  process.send({ endpoint: emulator.endpoints[REGION] });
  process.on("message", async (message) => {
    if (message === "stop") {
      await emulator.close();
      process.exit(0);
    }
  });
}

function startChild() {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "bench-consumer.js"), ["--serve"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`emulator exited early with code ${code}`)));
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

function clientFor(endpoint) {
  const { DEFAULT_TEST_ACCOUNT } = require("pulumi-alicloud-ims-emulator");
  const key = DEFAULT_TEST_ACCOUNT.accessKeys[0];
  const Client = require("@alicloud/mns");
  return {
    client: new Client(DEFAULT_TEST_ACCOUNT.accountId, {
      endpoint,
      accessKeyId: key.id,
      accessKeySecret: key.secret,
      readTimeout: 6000,
    }),
    accountId: DEFAULT_TEST_ACCOUNT.accountId,
    credentials: { accessKeyId: key.id, accessKeySecret: key.secret },
  };
}

/** Creates a queue (Mns-open CreateQueue through @alicloud/openapi-core) and fills it with `count` events. */
async function filledQueue(endpoint, name, count) {
  await emulatorRpc(endpoint, "CreateQueue", "2022-01-19")({ QueueName: name });
  const { client } = clientFor(endpoint);
  for (let sent = 0; sent < count; sent += 16) {
    const batch = Array.from({ length: Math.min(16, count - sent) }, (_, i) => ({
      MessageBody: JSON.stringify({
        EventType: "ProduceMediaComplete",
        UserId: 1234567890123456,
        EventTime: "2025-06-01T08:00:00Z",
        MessageBody: { Status: "Success", JobId: `job-${sent + i}` },
      }),
    }));
    await client.batchSendMessage(name, batch);
  }
}

/** Bare loop: receive 16, delete each (16 in flight), until `count` are gone. */
async function bare(endpoint, name, count) {
  const { client } = clientFor(endpoint);
  let done = 0;
  const started = process.hrtime.bigint();
  while (done < count) {
    let messages;
    try {
      messages = (await client.batchReceiveMessage(name, 16, 1)).body;
    } catch (error) {
      if (error.name === "MNSMessageNotExistError") continue;
      throw error;
    }
    // A delete that fails (the emulator occasionally leaves one unanswered) counts as done, as in the consumer.
    await Promise.all(
      messages.map((m) => client.deleteMessage(name, m.ReceiptHandle).catch(() => undefined)),
    );
    done += messages.length;
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The consumer with a no-op handler, stopped once `count` events were handled. */
async function consumer(endpoint, name, count) {
  const { consumeCallbackQueue } = require(path.join(DIST, "consumer"));
  const { accountId, credentials } = clientFor(endpoint);
  const stop = new globalThis.AbortController();
  let handled = 0;
  let finished;
  const started = process.hrtime.bigint();
  const run = consumeCallbackQueue({
    queueName: name,
    region: REGION,
    accountId,
    endpoint,
    credentials,
    concurrency: CONCURRENCY,
    waitSeconds: 1,
    signal: stop.signal,
    onError: () => undefined,
    handler: () => {
      if (++handled === count) {
        finished = process.hrtime.bigint();
        stop.abort();
      }
    },
  });
  const summary = await run;
  if (summary.received < count)
    throw new Error(`consumer received ${summary.received} of ${count}`);
  return count / (Number(finished - started) / 1e9);
}

/**
 * Runs the benchmark and prints it; resolves with the numbers.
 * @param {{ messages?: number, print?: (line: string) => void }} [options]
 */
async function run(options = {}) {
  const messages = options.messages ?? 2000;
  const print = options.print || ((line) => console.log(line));
  const server = await startChild();
  try {
    // Warm-up, then interleaved runs so both see the same machine state.
    await filledQueue(server.endpoint, "ice-callback-bench-warmup", 200);
    await bare(server.endpoint, "ice-callback-bench-warmup", 200);
    const results = { bare: [], consumer: [] };
    for (let round = 0; round < ROUNDS; round++) {
      await filledQueue(server.endpoint, `ice-callback-bench-bare-${round}`, messages);
      results.bare.push(await bare(server.endpoint, `ice-callback-bench-bare-${round}`, messages));
      await filledQueue(server.endpoint, `ice-callback-bench-consumer-${round}`, messages);
      results.consumer.push(
        await consumer(server.endpoint, `ice-callback-bench-consumer-${round}`, messages),
      );
    }
    const best = (list) => Math.max(...list);
    const ratio = best(results.consumer) / best(results.bare);
    print(
      `Queue consumer: ${messages} IMS events per run, @alicloud/mns against the emulator (own process), ${CONCURRENCY} in flight, best of ${ROUNDS}`,
    );
    print(
      `  consumeCallbackQueue (parse, handler, delete)  ${best(results.consumer).toFixed(0).padStart(6)} msg/s`,
    );
    print(
      `  bare receive-delete loop, same client         ${best(results.bare).toFixed(0).padStart(6)} msg/s`,
    );
    print(`  ratio consumer / bare                          ${(ratio * 100).toFixed(0)}%`);
    return { messages, bare: results.bare, consumer: results.consumer, ratio };
  } finally {
    await server.stop();
  }
}

module.exports = { run };

if (require.main === module) {
  if (process.argv.includes("--serve")) {
    serve().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    const { parseArgs } = require("node:util");
    const { values } = parseArgs({ options: { messages: { type: "string" } } });
    run(values.messages ? { messages: Number(values.messages) } : {}).catch((error) => {
      console.error(
        error.code === "MODULE_NOT_FOUND" ? `${error.message}\nRun "npm run build" first.` : error,
      );
      process.exit(1);
    });
  }
}
