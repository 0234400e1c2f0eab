import {
  BarcodeFormat,
  BinaryBitmap,
  DecodeHintType,
  GlobalHistogramBinarizer,
  MultiFormatReader,
  RGBLuminanceSource,
} from "@zxing/library";
import { getDocument, OPS } from "pdfjs-dist/legacy/build/pdf.mjs";

/*
 * Reads a PDF back as a person's viewer and a scanner would: pdf.js (Mozilla's reader) for each page's size and text,
 * and ZXing for the barcodes — every image on the page is decoded as Code 128, so a test proves the barcode's value,
 * not just that a picture is there.
 */

export interface ReadPage {
  width: number;
  height: number;
  /** The page's text runs joined by single spaces. */
  text: string;
  /** What ZXing reads from each image of the page (null for an image that is no barcode). */
  barcodes: (string | null)[];
}

export async function readPdf(bytes: Uint8Array): Promise<ReadPage[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  const pages: ReadPage[] = [];
  try {
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const text = content.items
        .map((it) => ("str" in it ? it.str : ""))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      const ops = await page.getOperatorList();
      const barcodes: (string | null)[] = [];
      for (let k = 0; k < ops.fnArray.length; k++) {
        if (ops.fnArray[k] !== OPS.paintImageXObject) continue;
        const name = ops.argsArray[k][0] as string;
        // An image drawn on several pages (an order's barcode on each of its labels) is kept once, document-wide.
        const objs = name.startsWith("g_") ? page.commonObjs : page.objs;
        const image = await new Promise<RawImage>((resolve) => objs.get(name, resolve));
        barcodes.push(decodeCode128(image));
      }
      pages.push({ width: x1 - x0, height: y1 - y0, text, barcodes });
    }
  } finally {
    await pdf.destroy();
  }
  return pages;
}

interface RawImage {
  width: number;
  height: number;
  /** pdf.js's ImageKind: 1 one-bit grey (rows of packed bits, 1 white), 2 RGB, 3 RGBA — a byte a sample. */
  kind?: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** ZXing's Code 128 reader over the image's luminance; null when it finds no barcode. */
export function decodeCode128(image: RawImage): string | null {
  const { width, height, data } = image;
  const luminance = new Uint8ClampedArray(width * height);
  if (image.kind === 1) {
    const stride = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        luminance[y * width + x] = data[y * stride + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0;
      }
    }
  } else {
    const channels = data.length / (width * height);
    for (let i = 0; i < luminance.length; i++) {
      const p = i * channels;
      luminance[i] = channels >= 3 ? (data[p]! * 299 + data[p + 1]! * 587 + data[p + 2]! * 114) / 1000 : data[p]!;
    }
  }
  // A one-row image is a barcode stretched to its height: ZXing wants a few rows to look at.
  const rows = Math.max(height, 8);
  const lum = new Uint8ClampedArray(width * rows);
  for (let y = 0; y < rows; y++)
    lum.set(luminance.subarray((y % height) * width, ((y % height) + 1) * width), y * width);
  const bitmap = new BinaryBitmap(new GlobalHistogramBinarizer(new RGBLuminanceSource(lum, width, rows)));
  const reader = new MultiFormatReader();
  reader.setHints(new Map([[DecodeHintType.POSSIBLE_FORMATS, [BarcodeFormat.CODE_128]]]));
  try {
    return reader.decode(bitmap).getText();
  } catch {
    return null;
  }
}

/** The whole body of a response or stream. */
export async function bytesOf(body: ReadableStream<Uint8Array> | Response): Promise<Uint8Array> {
  const stream = body instanceof Response ? body.body! : body;
  const parts: Uint8Array[] = [];
  for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part);
  return new Uint8Array(Buffer.concat(parts));
}
