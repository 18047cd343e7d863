/**
 * The one URL parser (validation and the policy pack decide with it) and the one safe form in which
 * every message shows a URL. Proves the cases the pack and validation once read differently, and
 * that no shown form holds user info, a query or a fragment, whether a parser accepts the URL or not.
 */
import { describeUrl, parseHttpUrl } from "../../lib/shared/url";

describe("parseHttpUrl", () => {
  it.each([
    ["https://media.example.com/ims", "media.example.com"],
    ["HTTP://Media.Example.com:8080/ims?x=1", "media.example.com"],
    ["http://[::1]:8080/", "[::1]"],
  ])("reads %j with host %j", (text, host) => {
    expect(parseHttpUrl(text)?.hostname).toBe(host);
  });

  it.each([
    "http:media.example.com/ims",
    "http:/media.example.com/ims",
    "http:\\\\media.example.com\\ims",
    "https://media.example.com\\ims",
    "https:///media.example.com/ims",
    "http://admin:PassW0rd@media.example.com:99999/ims?token=Tok",
    "ftp://media.example.com/x",
    "media.example.com/ims",
    "",
  ])("refuses %j", (text) => {
    expect(parseHttpUrl(text)).toBeUndefined();
  });
});

describe("describeUrl", () => {
  it.each([
    ["https://media.example.com/ims", '"https://media.example.com/ims"'],
    [
      "http://admin:PassW0rd@media.example.com:99999/ims?token=Tok",
      '"http://…@media.example.com:99999/ims?…"',
    ],
    ["https://media.example.com/ims#access_token=Tok", '"https://media.example.com/ims#…"'],
    ["admin:PassW0rd@media.example.com/ims", '"…@media.example.com/ims"'],
    ["http:admin:PassW0rd@media.example.com/ims", '"http:…@media.example.com/ims"'],
    ["http://admin:Pass?W0rd@media.example.com/ims", '"http://…@media.example.com/ims"'],
    ["http://admin:Pass/W0rd@media.example.com/ims", '"http://…@media.example.com/ims"'],
    ["ftp://admin:PassW0rd@media.example.com/ims", '"ftp://…@media.example.com/ims"'],
    ["http:\\\\media.example.com\\ims", JSON.stringify("http:\\\\media.example.com\\ims")],
  ])("shows %j as %s", (text, shown) => {
    expect(describeUrl(text)).toBe(shown);
    expect(shown).not.toMatch(/admin|PassW0rd|Pass|W0rd|token|Tok/);
  });

  it("cuts a long URL after removing what must not be shown", () => {
    const shown = describeUrl(`https://u:p@media.example.com/${"a".repeat(400)}?t=1`);
    expect(shown).toBe(JSON.stringify(`https://…@media.example.com/${"a".repeat(228)}…`));
  });
});
