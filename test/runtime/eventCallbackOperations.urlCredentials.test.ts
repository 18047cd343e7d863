/**
 * The provider's `check` reports a callback URL holding a password without the password and without
 * naming a property (the engine prints a named property's value beside the message).
 */
import * as runtime from "../../lib/runtime/eventCallbackOperations";

const PASSWORD = "Pa55wordCanary";

it("refuses a callback URL holding credentials at preview without printing them", async () => {
  const callbackUrl = `https://ims:${PASSWORD}@media.example.com/ims\n`;
  const { failures } = await runtime.check(
    {},
    {
      region: "cn-shanghai",
      callbackType: "HTTP",
      callbackUrl,
      eventTypes: ["ProduceMediaComplete"],
    },
  );
  expect(failures?.map((f) => f.property)).toEqual(["", ""]);
  expect(failures?.[0].reason).toMatch(/^callbackUrl: holds user credentials/);
  expect(failures?.[1].reason).toMatch(/^callbackUrl: has leading or trailing whitespace/);
  expect(JSON.stringify(failures)).not.toContain(PASSWORD);
});
