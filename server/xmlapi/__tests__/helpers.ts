import { XMLParser } from "fast-xml-parser";
import { count } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { orderChanges, orderItems, orderPackages, orders, orderStatusHistory } from "@/db/schema";
import { createTenant } from "@/db/test/factories";
import { handleXmlRequest } from "../handler";

const ARRAYS = new Set(["order", "createorder", "item", "package", "street", "service", "calc"]);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name, jpath, _leaf, isAttribute) =>
    !isAttribute &&
    (ARRAYS.has(name) ||
      String(jpath).endsWith("statushistory.status") ||
      jpath === "townlist.town" ||
      jpath === "regionlist.region"),
});

// Answers parsed loosely for assertions: attributes as plain keys, repeated elements always arrays.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = any;

export async function xmlCall(
  db: Queryable,
  body: string | Buffer,
  contentType?: string,
): Promise<{ status: number; xml: string; doc: Answer }> {
  const res = await handleXmlRequest({ db, body, contentType });
  return { status: res.status, xml: res.body, doc: parser.parse(res.body) };
}

/** A tenant whose client account can sign in to the API: `auth` is its <auth/> element. */
export async function apiTenant(db: Queryable) {
  const t = await createTenant(db);
  const auth = `<auth extra="${t.company.extraCode}" login="${t.client.login}" pass="shop"/>`;
  return { ...t, auth };
}

export const order = (no: string, extra = "", receiver = "") =>
  `<order orderno="${no}"><receiver><person>Иванов Иван</person><phone>+7 900 000-00-00</phone><town>Москва</town><address>ул. Ленина, д. 1</address>${receiver}</receiver><weight>1.2</weight><price>1000</price><deliveryprice>250</deliveryprice>${extra}</order>`;

export async function writeCounts(db: Queryable) {
  const [o] = await db.select({ n: count() }).from(orders);
  const [i] = await db.select({ n: count() }).from(orderItems);
  const [p] = await db.select({ n: count() }).from(orderPackages);
  const [h] = await db.select({ n: count() }).from(orderStatusHistory);
  const [c] = await db.select({ n: count() }).from(orderChanges);
  return { orders: o!.n, items: i!.n, packages: p!.n, history: h!.n, changes: c!.n };
}
