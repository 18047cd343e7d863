/**
 * A request body over the emulator's 1 MiB limit is refused before any signature check, in the
 * error format of the API it was sent to (IMS's JSON, the MNS data API's XML), and the connection
 * is closed.
 */
import { request } from "node:http";
import { startEmulator, type EmulatorHandle } from "../src";

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

function post(path: string): Promise<{ status: number; body: string; connection?: string }> {
  const url = new URL(path, emulator.endpoints["cn-shanghai"]);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "Content-Type": "text/xml" } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
      );
    });
    req.on("error", reject);
    req.end(Buffer.alloc(1024 * 1024 + 1, "x"));
  });
}

test("the IMS API refuses an oversized body with InvalidParameter and closes the connection", async () => {
  const answer = await post("/");
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body)).toMatchObject({ Code: "InvalidParameter" });
  expect(answer.body).toContain("larger than 1048576 bytes");
  expect(answer.connection).toBe("close");
});

test("the MNS data API refuses an oversized body with InvalidArgument in MNS's XML", async () => {
  const answer = await post("/queues/ice-callback-x/messages");
  expect(answer.body).toContain("<Code>InvalidArgument</Code>");
  expect(answer.body).toContain("larger than 1048576 bytes");
  expect(answer.connection).toBe("close");
});
