/**
 * The emulator's small XML reader and writer for the MNS data API, and its MNS string to sign
 * checked against the signature Alibaba's own client computes.
 */
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { mnsStringToSign } from "../../lib/emulator";
import { escapeXml, mnsXml, parseXml, XmlSyntaxError } from "../../lib/emulator/xml";

describe("parseXml", () => {
  it("reads nested elements, decodes entities and keeps CDATA as it is", () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Messages xmlns="http://mns.aliyuncs.com/doc/v1/"><Message><MessageBody>a &lt;b&gt; &amp; &#x263A;</MessageBody></Message><Message><MessageBody><![CDATA[<raw & text>]]></MessageBody><Priority>3</Priority></Message></Messages>',
    );
    expect(root.name).toBe("Messages");
    expect(root.children.map((m) => m.children.map((c) => [c.name, c.text]))).toEqual([
      [["MessageBody", "a <b> & \u263A"]],
      [
        ["MessageBody", "<raw & text>"],
        ["Priority", "3"],
      ],
    ]);
  });

  it.each(["<A><B></A>", "<A>", "text", "<A></A><B></B>", "<A>&bogus;</A>"])(
    "refuses %s",
    (document) => {
      expect(() => parseXml(document)).toThrow(XmlSyntaxError);
    },
  );
});

describe("mnsXml", () => {
  it("writes MNS's namespace and escapes text, and round-trips through parseXml", () => {
    const xml = mnsXml("Message", { MessageBody: `{"a":"<&>'"}`, DequeueCount: 2 });
    expect(xml).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mns.aliyuncs.com/doc/v1/"><MessageBody>${escapeXml(`{"a":"<&>'"}`)}</MessageBody><DequeueCount>2</DequeueCount></Message>`,
    );
    expect(parseXml(xml).children[0].text).toBe(`{"a":"<&>'"}`);
  });
});

describe("mnsStringToSign", () => {
  it("gives the signature @alicloud/mns computes for the same request", () => {
    const Client = createRequire(__filename)("@alicloud/mns") as new (
      id: string,
      o: object,
    ) => { sign(verb: string, headers: Record<string, string>, resource: string): string };
    const client = new Client("1234567890123456", {
      endpoint: "http://127.0.0.1:1",
      accessKeyId: "id",
      accessKeySecret: "secret",
    });
    const headers = {
      date: "Sat, 28 Nov 2026 01:02:03 GMT",
      "x-mns-version": "2015-06-06",
      "x-mns-date": "Sat, 28 Nov 2026 01:02:03 GMT",
      "content-type": "text/xml",
      "content-md5": "abc",
    };
    const resource = "/queues/q/messages?waitseconds=5";
    const ours = createHmac("sha1", "secret")
      .update(mnsStringToSign("POST", headers, resource))
      .digest("base64");
    expect(ours).toBe(client.sign("POST", headers, resource));
  });
});
