/**
 * The emulator's small XML reader and writer for the MNS data API, and its MNS string to sign
 * checked against the signature Alibaba's own client computes.
 */
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { mnsStringToSign } from "../src/mns/signature";
import { escapeXml, MAX_XML_DEPTH, mnsXml, parseXml, XmlSyntaxError } from "../src/ground/xml";

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

  it.each([
    ["an entity named after an Object.prototype key", "<A>&constructor;</A>"],
    ["a character reference past U+10FFFF", "<A>&#x110000;</A>"],
    ["a character reference too large for a number", `<A>&#${"9".repeat(400)};</A>`],
    ["a NUL character reference", "<A>&#0;</A>"],
    ["a control character reference", "<A>&#x1B;</A>"],
    ["a surrogate character reference", "<A>&#xDC00;</A>"],
    ["U+FFFE", "<A>&#xFFFE;</A>"],
    [
      "elements nested past MAX_XML_DEPTH",
      `${"<A>".repeat(MAX_XML_DEPTH + 1)}${"</A>".repeat(MAX_XML_DEPTH + 1)}`,
    ],
    ["elements nested 100000 deep", `${"<A>".repeat(100_000)}${"</A>".repeat(100_000)}`],
  ])("refuses %s with XmlSyntaxError", (_what, document) => {
    expect(() => parseXml(document)).toThrow(XmlSyntaxError);
  });

  it("reads every character reference XML allows, and elements nested MAX_XML_DEPTH deep", () => {
    expect(
      parseXml("<A>&#9;&#xA;&#xD;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;</A>").text,
    ).toBe("\t\n\r \uD7FF\uE000\uFFFD\u{10000}\u{10FFFF}");
    let element = parseXml(`${"<A>".repeat(MAX_XML_DEPTH)}x${"</A>".repeat(MAX_XML_DEPTH)}`);
    for (let depth = 1; depth < MAX_XML_DEPTH; depth++) element = element.children[0];
    expect(element.text).toBe("x");
  });
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
