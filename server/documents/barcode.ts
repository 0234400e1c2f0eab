import { deflateSync } from "node:zlib";
import bwipjs from "bwip-js/node";

/** What a Code 128 label can carry as scanners read it back: printable ASCII, and not so long it stops fitting. */
export const CODE128_MAX = 48;
export const isCode128Text = (v: string) => v.length > 0 && v.length <= CODE128_MAX && /^[\x20-\x7e]+$/.test(v);

/** Pixels a module: the image is stretched to the label's width, so this only keeps viewers from blurring edges. */
const PX = 4;
/** Blank modules either side: the quiet zone scanners need. */
const QUIET = 10;

/**
 * Code 128 of `value` as a one-bit black-and-white PNG, one pixel row high (the PDF stretches it to the bar height):
 * bwip-js encodes (bars and spaces), the PNG is a few hundred bytes. bwip-js's own PNGs are RGBA, and pdfkit splits
 * the alpha out in JavaScript for each — several milliseconds a barcode, most of a 1,000-label file's time.
 */
export function code128Png(value: string): Buffer {
  const [symbol] = bwipjs.raw("code128", value, "") as { sbs: number[] }[];
  if (!symbol?.sbs) throw new Error(`Code 128 not encoded: ${value}`);
  const modules = symbol.sbs.reduce((s, w) => s + w, 0) + 2 * QUIET;
  const width = modules * PX;
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff);
  row[0] = 0; // PNG filter: none
  let at = QUIET * PX;
  symbol.sbs.forEach((w, i) => {
    // Widths alternate bar, space, bar…; a bar's pixels are 0 (black) in a one-bit grey image.
    if (i % 2 === 0) for (let p = at; p < at + w * PX; p++) row[1 + (p >> 3)]! &= ~(0x80 >> (p & 7));
    at += w * PX;
  });
  return png(width, 1, row);
}

/** A one-bit greyscale PNG of already filtered scanlines. */
function png(width: number, height: number, scanlines: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter method, not interlaced
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(scanlines)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of data) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
