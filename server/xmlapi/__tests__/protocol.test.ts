import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { createDatabase } from "@/db/client";
import { orders } from "@/db/schema";
import { withTestTransaction } from "@/db/test/helpers";
import { listOrders } from "@/server/services/orders/list";
import { handleXmlRequest } from "../handler";
import { createXmlApiServer } from "../http-server";
import { MAX_BODY_BYTES } from "../xml";
import { apiTenant, order, writeCounts, xmlCall } from "./helpers";

describe("protocol", () => {
  it("answers invalid XML with error 1 and an unknown root with 14, as HTTP 200", () =>
    withTestTransaction(async (tx) => {
      for (const body of [
        "",
        "   ",
        "not xml",
        "<neworder>",
        "<a><b></a>",
        "<a/><b/>",
        "<?xml version='1.0'?>",
        Buffer.from([0xff, 0xfe, 0x00, 0x3c]),
      ]) {
        const r = await xmlCall(tx, body);
        expect(r.status).toBe(200);
        expect(r.doc.error.error).toBe("1");
      }
      const unknown = await xmlCall(tx, `<launchrocket><auth extra="1" login="a" pass="b"/></launchrocket>`);
      expect(unknown.status).toBe(200);
      expect(unknown.doc.error).toMatchObject({ error: "14", errormsg: "Unknown function" });
    }));

  it("refuses DTDs and entities: no XXE, no billion laughs", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const xxe = `<?xml version="1.0"?><!DOCTYPE neworder [<!ENTITY x SYSTEM "file:///etc/passwd">]><neworder>${t.auth}${order("XXE").replace("Иванов Иван", "&x;")}</neworder>`;
      const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><townlist><conditions><name>&lol3;</name></conditions></townlist>`;
      const before = await writeCounts(tx);
      for (const body of [xxe, lol, `<!doctype x><x/>`]) {
        const r = await xmlCall(tx, body);
        expect(r.status).toBe(200);
        expect(r.doc.error.error).toBe("1");
        expect(r.xml).not.toContain("root:");
      }
      // An undeclared entity reference is left as text, never expanded.
      const stray = await xmlCall(tx, `<neworder>${t.auth}${order("ENT").replace("Иванов Иван", "&foo;")}</neworder>`);
      expect(stray.doc.neworder.createorder[0].error).toBe("0");
      expect((await writeCounts(tx)).orders).toBe(before.orders + 1);
    }));

  it("decodes the predefined entities and character references once, and escapes answers", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const tricky = order("Q&amp;A&lt;1&gt;").replace(
        "Иванов Иван",
        "O&apos;Neil &quot;&amp;lt;&quot; &#1046;&#x416;",
      );
      const { doc, xml } = await xmlCall(tx, `<neworder>${t.auth}${tricky}</neworder>`);
      expect(doc.neworder.createorder[0].error).toBe("0");
      expect(xml).toContain('orderno="Q&amp;A&lt;1&gt;"');
      const [o] = await tx
        .select()
        .from(orders)
        .where(eq(orders.id, Number(doc.neworder.createorder[0].ordercode)));
      expect([o!.number, o!.receiverPerson]).toEqual(["Q&A<1>", `O'Neil "&lt;" ЖЖ`]);
      const s = await xmlCall(tx, `<statusreq>${t.auth}<orderno>Q&amp;A&lt;1&gt;</orderno></statusreq>`);
      expect(s.doc.statusreq.order[0].receiver.person).toBe(`O'Neil "&lt;" ЖЖ`);
      expect(s.xml).toContain("&amp;lt;");
    }));

  it("accepts a BOM, windows-1251 when labelled, and either content type", () =>
    withTestTransaction(async (tx) => {
      const t = await apiTenant(tx);
      const body = `<?xml version="1.0" encoding="UTF-8"?><neworder>${t.auth}${order("BOM-1")}</neworder>`;
      const bom = await handleXmlRequest({
        db: tx,
        body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]),
        contentType: "application/xml",
      });
      expect(bom.body).toContain('error="0"');
      const cyr = Buffer.from([0xd2, 0xe2, 0xe5, 0xf0, 0xfc]); // «Тверь» in windows-1251
      const win = Buffer.concat([
        Buffer.from(`<townlist><conditions><name>`),
        cyr,
        Buffer.from(`</name></conditions></townlist>`),
      ]);
      const r = await handleXmlRequest({ db: tx, body: win, contentType: "text/xml; charset=windows-1251" });
      expect(r.body).toContain("<name>Тверь</name>");
      const utf8 = await handleXmlRequest({
        db: tx,
        body: Buffer.from(`<townlist><conditions><name>Тверь</name></conditions></townlist>`),
        contentType: "text/xml; charset=UTF8",
      });
      expect(utf8.body).toContain("<name>Тверь</name>");
    }));

  it("refuses an over-size body without parsing it", () =>
    withTestTransaction(async (tx) => {
      const big = `<townlist>${"<x/>".repeat(Math.ceil(MAX_BODY_BYTES / 4) + 10)}</townlist>`;
      const r = await handleXmlRequest({ db: tx, body: big });
      expect(r.status).toBe(413);
      expect(r.body).toContain('error="1"');
    }));

  it("answers 13 «Database error» without the database's text when something breaks, and logs it", async () => {
    const broken = createDatabase("postgres://postgres@127.0.0.1:1/nope", { max: 1 });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const r = await handleXmlRequest({ db: broken.db, body: `<townlist/>` });
      expect(r.status).toBe(200);
      expect(r.body).toContain('error="13"');
      expect(r.body).not.toMatch(/ECONNREFUSED|select|ref_towns/i);
      expect(log).toHaveBeenCalled();
    } finally {
      log.mockRestore();
      await broken.sql.end();
    }
  });
});

describe("HTTP adapter", () => {
  /** A node:http server over the test transaction, so nothing it writes outlives the test. */
  async function withServer(
    fn: (base: string, tx: Parameters<Parameters<typeof withTestTransaction>[0]>[0]) => Promise<void>,
  ) {
    await withTestTransaction(async (tx) => {
      const server = createXmlApiServer(tx);
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      try {
        await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, tx);
      } finally {
        await new Promise<void>((r) => server.close(() => r()));
      }
    });
  }

  it("answers POST on /api and /api/ directly (no redirect) and GET with a hint", () =>
    withServer(async (base) => {
      for (const path of ["/api", "/api/"]) {
        const res = await fetch(`${base}${path}`, {
          method: "POST",
          body: "<regionlist><codesearch><code>77</code></codesearch></regionlist>",
          headers: { "content-type": "text/xml; charset=utf-8" },
          redirect: "manual",
        });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/xml/);
        expect(await res.text()).toContain("<name>Москва</name>");
      }
      const hint = await fetch(`${base}/api/`);
      expect(await hint.text()).toContain("XML API");
    }));

  it("refuses an over-size body with 413", () =>
    withServer(async (base) => {
      const res = await fetch(`${base}/api/`, { method: "POST", body: Buffer.alloc(MAX_BODY_BYTES + 100, 0x20) });
      expect(res.status).toBe(413);
    }));

  it("creates orders over HTTP that the cabinet lists at once", () =>
    withServer(async (base, tx) => {
      const t = await apiTenant(tx);
      const res = await fetch(`${base}/api/`, {
        method: "POST",
        body: `<neworder>${t.auth}${order("H-1")}</neworder>`,
      });
      expect(await res.text()).toContain('error="0"');
      const listed = await listOrders({ ctx: t.staffCtx, input: {} });
      expect(listed.items.map((o) => o.number)).toEqual(["H-1"]);
    }));
});
