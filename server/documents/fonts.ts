import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/*
 * The one typeface of our documents: DejaVu Sans Condensed from the `dejavu-fonts-ttf` package (Bitstream Vera
 * licence, DejaVu's changes public domain: free to embed and redistribute). pdfkit embeds a subset in every PDF, so
 * Cyrillic shows the same in any viewer and on any printer, whatever fonts the machine has.
 */
export const FONT = { regular: "kh-regular", bold: "kh-bold" } as const;
export type FontName = (typeof FONT)[keyof typeof FONT];

const FILES: Record<FontName, string> = {
  [FONT.regular]: "DejaVuSansCondensed.ttf",
  [FONT.bold]: "DejaVuSansCondensed-Bold.ttf",
};

let cache: Map<FontName, Buffer> | undefined;

/** The font file's path in node_modules: the app's root first (Next.js runs bundled code from `.next/`), then ours. */
function fontPath(file: string): string {
  const spec = ["dejavu-fonts-ttf", "ttf", file].join("/");
  const bases = [path.join(process.cwd(), "package.json"), import.meta.url];
  for (const base of bases) {
    try {
      return createRequire(base).resolve(spec);
    } catch {
      // Try the next base; the last failure is reported below.
    }
  }
  throw new Error(`Шрифт ${file} не найден: установите пакет dejavu-fonts-ttf (npm install)`);
}

/** The font files, read once per process (about 1.3 MB): each document parses and subsets its own copy. */
export function fontData(): Map<FontName, Buffer> {
  cache ??= new Map(Object.entries(FILES).map(([name, file]) => [name as FontName, readFileSync(fontPath(file))]));
  return cache;
}

export function registerFonts(doc: PDFKit.PDFDocument) {
  for (const [name, data] of fontData()) doc.registerFont(name, data);
}
