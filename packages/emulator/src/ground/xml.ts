/**
 * The little XML the MNS data API needs: request bodies are flat elements holding text or a list
 * of such elements (`<Messages><Message><MessageBody>…</MessageBody></Message></Messages>`).
 * Written here rather than taken from a library so that the emulator does not read requests with
 * the same parser Alibaba's client uses to read answers (`xml2js`): each side checks the other.
 *
 * @packageDocumentation
 */
import { ownValue } from "./records";

/** How deep elements may nest; MNS's documents nest three deep. */
export const MAX_XML_DEPTH = 32;

/** An element: its name, its text (entities decoded, CDATA kept) and its child elements. */
export interface XmlElement {
  readonly name: string;
  readonly text: string;
  readonly children: readonly XmlElement[];
}

/** A document that is not the XML this parser reads. */
export class XmlSyntaxError extends Error {
  /** `"XmlSyntaxError"` */
  override readonly name = "XmlSyntaxError";
}

const ENTITIES: Readonly<Record<string, string>> = {
  lt: "<",
  gt: ">",
  amp: "&",
  quot: '"',
  apos: "'",
};

/** Whether XML 1.0 allows `code` as a character: tab, newline, carriage return, and the rest of Unicode but surrogates, U+FFFE and U+FFFF. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]+|#\d+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith("#")) {
      const code = entity.startsWith("#x")
        ? parseInt(entity.slice(2), 16)
        : parseInt(entity.slice(1), 10);
      if (!isXmlChar(code)) throw new XmlSyntaxError(`Invalid character reference ${whole}.`);
      return String.fromCodePoint(code);
    }
    const value = ownValue(ENTITIES, entity);
    if (value === undefined) throw new XmlSyntaxError(`Unknown entity ${whole}.`);
    return value;
  });
}

/**
 * Escapes text for element content.
 *
 * @example
 * ```ts
 * escapeXml('a<b & "c"'); // "a&lt;b &amp; &quot;c&quot;"
 * ```
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`,
  );
}

/**
 * Parses a document into its root element; throws only {@link XmlSyntaxError}, also for elements
 * nested deeper than {@link MAX_XML_DEPTH} and character references XML does not allow. Attributes (such as `xmlns`) are read past and
 * ignored; comments and processing instructions are skipped; mixed content keeps only the text.
 *
 * @example
 * ```ts
 * parseXml('<Message><MessageBody>hi</MessageBody></Message>').children[0].text; // "hi"
 * ```
 */
export function parseXml(document: string): XmlElement {
  let at = 0;
  const fail = (what: string): never => {
    throw new XmlSyntaxError(`${what} at offset ${at}.`);
  };
  const skipMisc = (): void => {
    for (;;) {
      while (at < document.length && /\s/.test(document[at])) at++;
      if (document.startsWith("<?", at)) {
        const end = document.indexOf("?>", at);
        if (end < 0) fail("Unterminated processing instruction");
        at = end + 2;
      } else if (document.startsWith("<!--", at)) {
        const end = document.indexOf("-->", at);
        if (end < 0) fail("Unterminated comment");
        at = end + 3;
      } else return;
    }
  };
  const element = (depth: number): XmlElement => {
    if (depth > MAX_XML_DEPTH) fail(`Elements nested deeper than ${MAX_XML_DEPTH}`);
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(
      document.slice(at),
    );
    if (!open) return fail("Expected an element");
    at += open[0].length;
    const name = open[1];
    if (open[3] === "/") return { name, text: "", children: [] };
    const children: XmlElement[] = [];
    let text = "";
    for (;;) {
      if (at >= document.length) fail(`Unterminated element <${name}>`);
      if (document.startsWith("<![CDATA[", at)) {
        const end = document.indexOf("]]>", at);
        if (end < 0) fail("Unterminated CDATA");
        text += document.slice(at + 9, end);
        at = end + 3;
      } else if (document.startsWith("<!--", at)) {
        const end = document.indexOf("-->", at);
        if (end < 0) fail("Unterminated comment");
        at = end + 3;
      } else if (document.startsWith("</", at)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(document.slice(at));
        if (!close || close[1] !== name) fail(`Expected </${name}>`);
        at += close![0].length;
        return { name, text, children };
      } else if (document[at] === "<") {
        children.push(element(depth + 1));
      } else {
        const next = document.indexOf("<", at);
        const end = next < 0 ? document.length : next;
        text += decodeEntities(document.slice(at, end));
        at = end;
      }
    }
  };
  skipMisc();
  const root = element(1);
  skipMisc();
  if (at !== document.length) fail("Unexpected content after the root element");
  return root;
}

/** The text of the child named `name`, or `undefined`. */
export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}

/**
 * Serializes `<root xmlns="http://mns.aliyuncs.com/doc/v1/">` with `fields` as child elements (a
 * nested array becomes repeated `itemName` elements), as MNS writes its answers.
 *
 * @example
 * ```ts
 * mnsXml("Message", { MessageId: "A1" });
 * // '<?xml version="1.0" encoding="UTF-8"?>\n<Message xmlns="http://mns.aliyuncs.com/doc/v1/"><MessageId>A1</MessageId></Message>'
 * ```
 */
export function mnsXml(
  root: string,
  fields:
    | Readonly<Record<string, string | number | boolean>>
    | readonly Readonly<Record<string, string | number | boolean>>[],
  itemName?: string,
): string {
  const body = (record: Readonly<Record<string, string | number | boolean>>): string =>
    Object.entries(record)
      .map(([key, value]) => `<${key}>${escapeXml(String(value))}</${key}>`)
      .join("");
  const content = Array.isArray(fields)
    ? fields.map((record) => `<${itemName}>${body(record)}</${itemName}>`).join("")
    : body(fields as Readonly<Record<string, string | number | boolean>>);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://mns.aliyuncs.com/doc/v1/">${content}</${root}>`;
}
