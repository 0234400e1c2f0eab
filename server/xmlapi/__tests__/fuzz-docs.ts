import { order } from "./helpers";

// Malformed and random XML API documents, shared by the fuzz test and the fuzz benchmark: valid requests of every
// function, then truncated, spliced, garbled, deeply nested or replaced by tag soup or random bytes.

export function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SNIPPETS = [
  "<",
  ">",
  "&",
  "&amp;",
  "&#0;",
  "&#xD800;",
  "&#99999999;",
  '"',
  "'",
  "</",
  "/>",
  "<![CDATA[",
  "]]>",
  "<!--",
  "-->",
  "<?x ?>",
  "\u0000",
  "\uFFFF",
  "Ё",
  "😀",
  "<order>",
  "</order>",
  "<auth/>",
  'extra="',
  "<!DOCTYPE",
  "<!ENTITY",
  "%",
  "\\",
  "\n",
  " ".repeat(50),
  "9".repeat(40),
  "-1",
  "1e309",
  "NaN",
];

const ITEMS =
  '<items><item quantity="1" mass="0.5" retprice="10" VATrate="20">Товар</item></items>' +
  '<packages><package strbarcode="P" mass="1"/></packages>';

/** A generator of documents for one tenant (`auth` is its <auth/> element); the same seed gives the same documents. */
export function fuzzDocuments(t: { auth: string; extraCode: number }, seed: number): () => string | Buffer {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number) => Math.floor(rnd() * n);
  let seq = 0;
  const bases = [
    () =>
      `<?xml version="1.0" encoding="UTF-8"?><neworder>${t.auth}` +
      `${order(`F-${++seq}`, ITEMS)}${order(`F-${++seq}`)}</neworder>`,
    () => `<statusreq>${t.auth}<orderno>F-1</orderno><datefrom>2025-01-01</datefrom><done>ONLY_DONE</done></statusreq>`,
    () => `<statusreq>${t.auth}<changes>ONLY_LAST</changes><streamid>150</streamid></statusreq>`,
    () => `<calculator>${t.auth}<calc townfrom="Москва" townto="Тверь" mass="1" l="10" w="10" h="10"/></calculator>`,
    () => `<cancelorder>${t.auth}<order orderno="NEVER-CREATED"/><order ordercode="1"/></cancelorder>`,
    () =>
      "<townlist><codesearch><zipcode>170000</zipcode></codesearch>" +
      "<conditions><namestarts>Т</namestarts></conditions><limit><limitcount>5</limitcount></limit></townlist>",
    () => `<tracking><extra>${t.extraCode}</extra><orderno>F-1</orderno></tracking>`,
    () =>
      `<setorderinfo>${t.auth}<order ordercode="1"><status>COMPLETE</status>` +
      "<eventtime>2025-01-01 10:00</eventtime></order></setorderinfo>",
    () => `<services><auth extra="${t.extraCode}"/></services>`,
    () => `<streetlist><auth extra="${t.extraCode}"/><conditions><town>Москва</town></conditions></streetlist>`,
  ];
  const mutate = (s: string): string | Buffer => {
    switch (int(9)) {
      case 0: // random bytes
        return Buffer.from(Array.from({ length: int(400) }, () => int(256)));
      case 1: // truncated
        return s.slice(0, int(s.length));
      case 2: {
        // a slice removed
        const a = int(s.length);
        return s.slice(0, a) + s.slice(a + 1 + int(40));
      }
      case 3: {
        // garbage inserted
        const a = int(s.length);
        return s.slice(0, a) + Array.from({ length: 1 + int(4) }, () => pick(SNIPPETS)).join("") + s.slice(a);
      }
      case 4: // values replaced by nonsense
        return s.replace(/>([^<>]{1,30})</g, (m, v: string) =>
          rnd() < 0.3 ? `>${pick(SNIPPETS)}${pick(SNIPPETS)}<` : `>${v}<`,
        );
      case 5: // attribute values replaced
        return s.replace(/="([^"]*)"/g, (m) => (rnd() < 0.3 ? `="${pick(SNIPPETS).replace(/"/g, "")}"` : m));
      case 6: // deep nesting
        return `<neworder>${"<order>".repeat(200 + int(3000))}</neworder>`;
      case 7: // random tag soup
        return Array.from({ length: int(60) }, () =>
          pick([
            "<a>",
            "</a>",
            "<order ",
            'x="1"',
            ">",
            "text",
            "<auth extra='1'/>",
            "<neworder>",
            "</neworder>",
            pick(SNIPPETS),
          ]),
        ).join("");
      default: // the valid base, mostly to make successes happen too
        return s;
    }
  };
  return () => mutate(pick(bases)());
}
