/**
 * A minimal PDF 1.4 writer for the partners' stand-ins: pages of text lines in the standard Helvetica fonts.
 * Standard fonts carry no Cyrillic, so text is transliterated to ASCII; that is enough to check what was printed.
 */

export interface PdfLine {
  text: string;
  size?: number;
  bold?: boolean;
}

export interface PdfPage {
  /** Page size in points (1/72 inch). */
  width: number;
  height: number;
  lines: PdfLine[];
}

/** Paper sizes in points, portrait. */
export const PAPER: Record<"A4" | "A5" | "A6" | "A7", { width: number; height: number }> = {
  A4: { width: 595, height: 842 },
  A5: { width: 420, height: 595 },
  A6: { width: 298, height: 420 },
  A7: { width: 210, height: 298 },
};

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

function pdfString(s: string): string {
  return `(${transliterate(s)
    .replace(/[\\()]/g, (c) => `\\${c}`)
    .replace(/[\r\n\t]/g, " ")})`;
}

function contentStream(page: PdfPage): string {
  const margin = Math.round(page.width * 0.07);
  let y = page.height - margin;
  const ops: string[] = [];
  for (const line of page.lines) {
    const size = line.size ?? 11;
    y -= size * 1.4;
    if (y < margin) break;
    ops.push(`BT /${line.bold ? "F2" : "F1"} ${size} Tf ${margin} ${y.toFixed(1)} Td ${pdfString(line.text)} Tj ET`);
  }
  return ops.join("\n");
}

/** A complete PDF document, one page per entry (an empty list still gets one blank page: a PDF needs a page). */
export function renderPdf(pages: PdfPage[]): Buffer {
  const list = pages.length ? pages : [{ ...PAPER.A4, lines: [] }];
  // Object numbers: 1 catalog, 2 page tree, 3–4 fonts, then a page and its content stream per page.
  const pageRef = (i: number) => 5 + i * 2;
  const objects: string[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${list.map((_, i) => `${pageRef(i)} 0 R`).join(" ")}] /Count ${list.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
  ];
  list.forEach((page, i) => {
    const stream = contentStream(page);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${page.width} ${page.height}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageRef(i) + 1} 0 R >>`,
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
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF`;
  return Buffer.from(body, "latin1");
}

const TEXT_MARGIN = 42;
const TEXT_LINE = 15;

/** A4 pages of plain text lines, the first line of each page larger; a long entry runs on over further pages. */
export function a4TextPages(pages: string[][]): PdfPage[] {
  const perPage = Math.floor((PAPER.A4.height - 2 * TEXT_MARGIN) / TEXT_LINE);
  return pages.flatMap((lines) => {
    const out: PdfPage[] = [];
    for (let i = 0; i < Math.max(lines.length, 1); i += perPage) {
      const chunk = lines.slice(i, i + perPage);
      out.push({ ...PAPER.A4, lines: chunk.map((text, n) => ({ text, size: n === 0 ? 14 : 10 })) });
    }
    return out;
  });
}
