import { XMLParser, XMLValidator } from "fast-xml-parser";

/** A parsed element: attributes under "@_name", text under "#text", children by (lower-cased) name. */
export type XNode = { [key: string]: XValue };
export type XValue = string | XNode | XValue[];

export class XmlInputError extends Error {}

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };
// XML 1.0 Char production: tab, LF, CR and from U+0020, minus surrogates and U+FFFE/FFFF.
const INVALID_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The parser runs with entity processing off (no DTD, no custom entities can ever expand); the five predefined
 * entities and character references are decoded here in one pass, so «&amp;lt;» stays «&lt;».
 */
function decodeEntities(v: string): string {
  if (!v.includes("&")) return v;
  return v.replace(/&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, name: string) => {
    if (name[0] !== "#") return PREDEFINED[name]!;
    const cp = name[1] === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return "\uFFFD";
    return String.fromCodePoint(cp).replace(INVALID_XML_CHARS, "");
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  allowBooleanAttributes: true,
  // Clients differ in case (VATrate, vatrate); names are matched lower-cased.
  transformTagName: (n) => n.toLowerCase(),
  transformAttributeName: (n) => n.toLowerCase(),
  tagValueProcessor: (_n, v) => decodeEntities(v),
  attributeValueProcessor: (_n, v) => decodeEntities(v),
});

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Most `<order>` elements one request may carry (neworder, editorder, cancelorder, setorderinfo). */
export const MAX_ORDERS_PER_REQUEST = 2000;
/** Real MeaSoft documents nest 5 levels deep (neworder/order/deliveryset/below/…); the parser recurses per level. */
export const MAX_DEPTH = 32;
/** Per element: the widest MeaSoft element (item) has 13 attributes. */
export const MAX_ATTRIBUTES = 64;
/** 2,000 orders of ~50 elements each, with room for long item lists; the same for attributes in all. */
export const MAX_ELEMENTS = 200_000;
export const MAX_ATTRIBUTES_TOTAL = 200_000;
/**
 * One text run or start tag, in characters: the parser builds text (and the validator tags) a character at a time,
 * ~40 bytes of heap per character until it is read, so one 5 MB text node needed 300 MB. No field comes near 1 MB.
 */
export const MAX_TEXT = 1024 * 1024;

/** A well-formed document over one of the limits above; `root` is the lower-cased root element's name. */
export class XmlLimitError extends XmlInputError {
  constructor(
    readonly root: string,
    readonly limit: "orders" | "depth" | "attributes" | "elements" | "text",
    message: string,
  ) {
    super(message);
  }
}

const NAME_END = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2f, 0x3e]); // space, tab, LF, CR, «/», «>»

/**
 * One linear pass over the text before the real parser runs: counts elements, attributes (per element and in all),
 * nesting depth and the root's `<order>` children, so a hostile document is refused for the cost of reading it once.
 * It is no validator (the parser checks well-formedness after it); comments, CDATA and PIs are skipped.
 */
export function checkLimits(text: string): void {
  let depth = 0;
  let elements = 0;
  let attributesTotal = 0;
  let orders = 0;
  let root = "";
  let i = 0;
  const n = text.length;
  const skipTo = (end: string, from: number) => {
    const at = text.indexOf(end, from);
    return at < 0 ? n : at + end.length;
  };
  const tooLong = (name: string) =>
    new XmlLimitError(root, "text", `больше ${MAX_TEXT / 1024 / 1024} МБ текста подряд в <${name.slice(0, 50)}>`);
  let open = "";
  while (i < n) {
    const lt = text.indexOf("<", i);
    if (lt - i > MAX_TEXT || (lt < 0 && n - i > MAX_TEXT)) throw tooLong(open);
    if (lt < 0) break;
    const c = text[lt + 1];
    if (c === "!") {
      if (text.startsWith("<!--", lt)) i = skipTo("-->", lt + 4);
      else i = text.startsWith("<![CDATA[", lt) ? skipTo("]]>", lt + 9) : lt + 2;
      continue;
    }
    if (c === "?") {
      i = skipTo("?>", lt + 2);
      continue;
    }
    if (c === "/") {
      depth--;
      i = skipTo(">", lt + 2);
      continue;
    }
    let k = lt + 1;
    while (k < n && !NAME_END.has(text.charCodeAt(k))) k++;
    const name = text.slice(lt + 1, k).toLowerCase();
    // Attributes: every «=» outside quoted values, up to the tag's end.
    let attributes = 0;
    let quote = "";
    for (; k < n; k++) {
      const ch = text[k]!;
      if (quote) {
        if (ch === quote) quote = "";
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === "=") attributes++;
      else if (ch === ">") break;
    }
    // The validator reads a whole start tag a character at a time too.
    if (k - lt > MAX_TEXT) throw tooLong(name);
    open = name;
    if (depth === 0 && !root) root = name;
    if (++elements > MAX_ELEMENTS) throw new XmlLimitError(root, "elements", `больше ${MAX_ELEMENTS} элементов`);
    if (attributes > MAX_ATTRIBUTES) {
      throw new XmlLimitError(root, "attributes", `больше ${MAX_ATTRIBUTES} атрибутов у <${name.slice(0, 50)}>`);
    }
    if ((attributesTotal += attributes) > MAX_ATTRIBUTES_TOTAL) {
      throw new XmlLimitError(root, "attributes", `больше ${MAX_ATTRIBUTES_TOTAL} атрибутов в документе`);
    }
    if (depth === 1 && name === "order" && ++orders > MAX_ORDERS_PER_REQUEST) {
      throw new XmlLimitError(root, "orders", `не больше ${MAX_ORDERS_PER_REQUEST}`);
    }
    if (text[k - 1] !== "/" && ++depth > MAX_DEPTH) {
      throw new XmlLimitError(root, "depth", `вложенность глубже ${MAX_DEPTH} уровней`);
    }
    i = k + 1;
  }
}

/** Bytes → the root element's name and node. Throws XmlInputError for anything that is not one well-formed UTF-8 document. */
export function parseXml(body: string | Uint8Array): { root: string; node: XNode } {
  let text: string;
  if (typeof body === "string") text = body;
  else {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
      throw new XmlInputError("Request is not valid UTF-8");
    }
  }
  text = text.replace(/^\uFEFF/, "");
  if (!text.trim()) throw new XmlInputError("Empty request");
  // Characters XML 1.0 forbids (NUL and other controls, lone surrogates) make a document not well-formed; they must
  // not reach PostgreSQL either, which refuses NUL in text.
  if (new RegExp(INVALID_XML_CHARS.source).test(text)) throw new XmlInputError("Invalid XML: forbidden character");
  // No DTDs at all: the cheapest complete defence against XXE and entity-expansion bombs.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlInputError("DTD and entity declarations are not allowed");
  checkLimits(text);
  let doc: Record<string, XValue>;
  try {
    const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
    if (valid !== true) throw new XmlInputError(`Invalid XML: ${valid.err.msg} (line ${valid.err.line})`);
    doc = parser.parse(text) as Record<string, XValue>;
  } catch (e) {
    if (e instanceof XmlInputError) throw e;
    throw new XmlInputError("Invalid XML");
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith("?") && k !== "#text");
  if (roots.length !== 1 || Array.isArray(doc[roots[0]!]))
    throw new XmlInputError("Invalid XML: exactly one root element expected");
  const rootName = roots[0]!;
  const value = doc[rootName]!;
  return { root: rootName, node: typeof value === "string" ? { "#text": value } : (value as XNode) };
}

/** The first element of that name (clients sometimes repeat one), or undefined. */
export function one(v: XValue | undefined): XNode | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined) return undefined;
  return typeof x === "string" ? { "#text": x } : Array.isArray(x) ? one(x) : x;
}

export function many(v: XValue | undefined): XNode[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => one(x)!).filter(Boolean);
}

/** Text of an element or attribute; empty elements and whitespace count as "not given". */
export function text(v: XValue | undefined): string | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  if (x === undefined) return undefined;
  const s =
    typeof x === "string"
      ? x
      : Array.isArray(x)
        ? text(x)
        : typeof x["#text"] === "string"
          ? (x["#text"] as string)
          : undefined;
  const t = s?.trim();
  return t ? t : undefined;
}

/** A value sent either as a child element or as an attribute (clients use both). */
export function field(node: XNode | undefined, name: string): string | undefined {
  if (!node) return undefined;
  return text(node[name]) ?? text(node[`@_${name}`]);
}

export function attr(node: XNode | undefined, name: string): string | undefined {
  return node ? text(node[`@_${name}`]) : undefined;
}

// ---- building answers ----

/** Output node: attributes (undefined/null dropped), then children in order, or a text body. */
export interface OutNode {
  name: string;
  attrs?: Record<string, string | number | null | undefined>;
  children?: (OutNode | null | undefined | false)[];
  text?: string | number | null;
}

export const el = (
  name: string,
  attrs?: OutNode["attrs"],
  children?: OutNode["children"] | string | number | null,
): OutNode => (Array.isArray(children) ? { name, attrs, children } : { name, attrs, text: children ?? undefined });

const clean = (v: string | number) => String(v).replace(INVALID_XML_CHARS, "");

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;" };
const escape = (v: string | number) => clean(v).replace(/[&<>'"]/g, (c) => ESCAPES[c]!);

/**
 * Appends one element to `out` in a single linear pass (a general-purpose builder took 0.7 s for a 5,000-order
 * statusreq). Children keep their relative order per name only, grouped at the first of each name, as answers always
 * were: MeaSoft clients read by name. Empty elements are self-closing.
 */
function write(n: OutNode, out: string[]): void {
  out.push("<", n.name);
  for (const [k, v] of Object.entries(n.attrs ?? {})) {
    if (v !== undefined && v !== null) out.push(" ", k, '="', escape(v), '"');
  }
  const mark = out.length;
  out.push(">");
  if (n.text !== undefined && n.text !== null) out.push(escape(n.text));
  const groups = new Map<string, OutNode[]>();
  for (const c of n.children ?? []) {
    if (!c) continue;
    const group = groups.get(c.name);
    if (group) group.push(c);
    else groups.set(c.name, [c]);
  }
  for (const group of groups.values()) for (const c of group) write(c, out);
  if (out.length === mark + 1 || (out.length === mark + 2 && out[mark + 1] === "")) {
    out.length = mark;
    out.push("/>");
  } else out.push("</", n.name, ">");
}

export function buildXml(root: OutNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, out);
  return out.join("");
}

/** «YYYY-MM-DD HH:MM:SS» in the courier's local time (Moscow, UTC+3 all year since 2014). */
export function formatDateTime(d: Date | null | undefined): string | undefined {
  if (!d) return undefined;
  return new Date(d.getTime() + 3 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
}

export function formatUtc(d: Date | null | undefined): string | undefined {
  return d ? d.toISOString().slice(0, 19).replace("T", " ") : undefined;
}

/** Parses «YYYY-MM-DD HH:MM[:SS]» (or ISO with T) as Moscow time; undefined when malformed. */
export function parseDateTime(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", se = "00"] = m;
  const t = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}+03:00`);
  if (
    Number.isNaN(t.getTime()) ||
    Number(mo) > 12 ||
    Number(d) > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(se) > 59
  )
    return undefined;
  // Reject dates the Date constructor rolled over (2025-02-31).
  if (formatDateTime(t)!.slice(0, 10) !== `${y}-${mo}-${d}`) return undefined;
  return t;
}

/** Numbers as stored (numeric strings) without trailing zeros: "1.500" → "1.5". */
export function num(v: string | number | null | undefined): string | undefined {
  if (v === null || v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? String(n) : undefined;
}
