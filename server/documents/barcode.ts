import bwipjs from "bwip-js/node";

/** What a Code 128 label can carry as scanners read it back: printable ASCII, and not so long it stops fitting. */
export const CODE128_MAX = 48;
export const isCode128Text = (v: string) => v.length > 0 && v.length <= CODE128_MAX && /^[\x20-\x7e]+$/.test(v);

/**
 * Code 128 of `value` as a black-and-white PNG: three pixels a module, with the quiet zone scanners need on both
 * sides (ten modules). Drawn once per order and placed on each of its labels.
 */
export function code128Png(value: string): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: "code128",
    text: value,
    scale: 3,
    height: 10,
    paddingwidth: 10,
    paddingheight: 1,
    backgroundcolor: "FFFFFF",
    includetext: false,
  });
}
