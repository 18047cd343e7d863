/**
 * Verifications per second of `verifyCallback`, next to a bare MD5 of the same string in the same run,
 * and the ratio between the two (how much the header lookup, the checks and the constant-time
 * comparison cost on top of the hash itself).
 *
 * Needs the build: `npm run build && node scripts/bench-receiver.js [count]`.
 */
"use strict";

const crypto = require("crypto");
const { verifyCallback, signCallback } = require("../dist/receiver");

const CALLBACK_URL = "https://media.example.com/ims/callback";
const AUTH_KEY = "BenchKey2025";
const TIMESTAMP = 1700000000;

/** Runs `fn` `count` times and returns operations per second. */
function rate(count, fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

/**
 * Runs the benchmark and prints the results; returns them too.
 * @param {number} [count=200000] iterations of each loop
 * @returns {{ count: number, verifyPerSecond: number, md5PerSecond: number, ratio: number }}
 */
function run(count = 200000) {
  const headers = signCallback({
    callbackUrl: CALLBACK_URL,
    authKey: AUTH_KEY,
    timestamp: TIMESTAMP,
  });
  // Node's IncomingHttpHeaders shape: lower-case names.
  const request = {
    headers: {
      "x-ice-timestamp": headers["X-ICE-TIMESTAMP"],
      "x-ice-signature": headers["X-ICE-SIGNATURE"],
      "content-type": "application/json",
      host: "media.example.com",
    },
  };
  const options = { callbackUrl: CALLBACK_URL, authKeys: AUTH_KEY, now: () => TIMESTAMP * 1000 };
  const sameString = `${CALLBACK_URL}|${TIMESTAMP}|${AUTH_KEY}`;

  let failures = 0;
  const verifyOnce = () => {
    if (!verifyCallback(request, options).ok) failures++;
  };
  let sink = 0;
  const md5Once = () => {
    sink += crypto.createHash("md5").update(sameString).digest("hex").length;
  };

  // Warm-up, so both loops run optimised code.
  const warm = Math.min(20000, count);
  rate(warm, verifyOnce);
  rate(warm, md5Once);

  const verifyPerSecond = rate(count, verifyOnce);
  const md5PerSecond = rate(count, md5Once);
  if (failures !== 0) throw new Error(`verifyCallback rejected ${failures} valid requests`);
  if (sink === 0) throw new Error("unreachable");
  const ratio = verifyPerSecond / md5PerSecond;

  const fmt = (n) => Math.round(n).toLocaleString("en-US");
  console.log(
    `verifyCallback:           ${fmt(verifyPerSecond)} verifications/s (${fmt(count)} runs)`,
  );
  console.log(`bare md5 (same string):   ${fmt(md5PerSecond)} hashes/s (${fmt(count)} runs)`);
  console.log(`ratio verify / bare md5:  ${ratio.toFixed(2)} (node ${process.version})`);
  return { count, verifyPerSecond, md5PerSecond, ratio };
}

module.exports = { run };

if (require.main === module) {
  const arg = process.argv[2];
  run(arg === undefined ? undefined : Number(arg));
}
