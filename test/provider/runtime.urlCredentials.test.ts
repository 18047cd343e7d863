/**
 * The provider's `check` reports a problem with a value that holds a secret (a password in the
 * callback URL) without naming the property: the engine prints a named property's value beside the
 * message, so naming it would print the password at preview.
 */
import * as runtime from "../../lib/provider/runtime";

const PASSWORD = "Pa55wordCanary";
const inputs = (callbackUrl: string) => ({ region: "cn-shanghai", callbackType: "HTTP", callbackUrl, eventTypes: ["ProduceMediaComplete"] });

it("reports a callback URL holding credentials without the property, so the engine cannot print it", async () => {
  const { failures } = await runtime.check({}, inputs(`https://ims:${PASSWORD}@media.example.com/ims\n`));
  expect(failures?.map((f) => f.property)).toEqual(["", ""]);
  expect(failures?.[0].reason).toMatch(/^callbackUrl: holds user credentials/);
  expect(JSON.stringify(failures)).not.toContain(PASSWORD);
});

it("reports a URL problem that holds no secret the same way: the reason names the property, once", async () => {
  const { failures } = await runtime.check({}, inputs("https://media.example.com/ims\n"));
  expect(failures).toEqual([{ property: "", reason: expect.stringMatching(/^callbackUrl: has leading or trailing whitespace/) }]);
});
