/**
 * A minimal PDF 1.4 writer for the print gate's acts and delivery lists: A4 pages of text lines in Helvetica.
 * Standard fonts carry no Cyrillic, so text is transliterated to ASCII; that is enough to check what was printed.
 */

// prettier-ignore
const CYRILLIC: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "yo", ж: "zh", з: "z", и: "i", й: "y", к: "k", л: "l",
  м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f", х: "kh", ц: "ts", ч: "ch", ш: "sh",
  щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
  "«": '"', "»": '"', "—": "-", "–": "-", "№": "No",
};

/** Russian letters to Latin (Смирнова → Smirnova); any other non-ASCII character becomes "?". */
export function transliterate(input: string): string {
  let out = "";
  for (const ch of input) {
    const lower = ch.toLowerCase();
    const latin = CYRILLIC[lower];
    if (latin !== undefined) out += ch !== lower && latin ? latin[0]!.toUpperCase() + latin.slice(1) : latin;
    else out += ch.charCodeAt(0) < 128 ? ch : "?";
  }
  return out;
}

const WIDTH = 595;
const HEIGHT = 842;
const MARGIN = 42;
const LINE = 15;
const LINES_PER_PAGE = Math.floor((HEIGHT - 2 * MARGIN) / LINE);

const pdfString = (s: string) =>
  `(${transliterate(s)
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replace(/[\r\n\t]/g, " ")})`;

/** One document; each entry of `pages` starts a new page and overflows onto further pages. */
export function renderPdf(pages: string[][]): Buffer {
  const chunks = pages.flatMap((lines) => {
    const out: string[][] = [];
    for (let i = 0; i < Math.max(lines.length, 1); i += LINES_PER_PAGE) out.push(lines.slice(i, i + LINES_PER_PAGE));
    return out;
  });
  // Object numbers: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
  const pageRef = (i: number) => 4 + i * 2;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${chunks.map((_, i) => `${pageRef(i)} 0 R`).join(" ")}] /Count ${chunks.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  chunks.forEach((lines, i) => {
    const stream = lines
      .map(
        (line, n) =>
          `BT /F1 ${n === 0 ? 14 : 10} Tf ${MARGIN} ${HEIGHT - MARGIN - (n + 1) * LINE} Td ${pdfString(line)} Tj ET`,
      )
      .join("\n");
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${WIDTH} ${HEIGHT}] /Resources << /Font << /F1 3 0 R >> >> ` +
        `/Contents ${pageRef(i) + 1} 0 R >>`,
      `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    );
  });
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
