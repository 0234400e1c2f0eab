import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it, vi } from "vitest";
import { withTestTransaction } from "@/db/test/helpers";
import { handleXmlRequest } from "../handler";
import { fuzzDocuments } from "./fuzz-docs";
import { apiTenant, writeCounts } from "./helpers";

describe("fuzz", () => {
  it(
    "answers thousands of malformed or random documents without 5xx, code 13 or any write it does not report",
    { timeout: 180_000 },
    () =>
      withTestTransaction(async (tx) => {
        const t = await apiTenant(tx);
        const seed = Number(process.env.FUZZ_SEED ?? 20260601);
        const next = fuzzDocuments({ auth: t.auth, extraCode: t.company.extraCode }, seed);
        const log = vi.spyOn(console, "error").mockImplementation(() => {});
        const before = await writeCounts(tx);
        let created = 0;
        const N = 3000;
        try {
          for (let i = 0; i < N; i++) {
            const body = next();
            const res = await handleXmlRequest({ db: tx, body });
            expect(res.status, String(body).slice(0, 200)).toBe(200);
            expect(XMLValidator.validate(res.body), res.body.slice(0, 200)).toBe(true);
            expect(res.body, String(body).slice(0, 300)).not.toContain('error="13"');
            created += (res.body.match(/<createorder [^>]*error="0"/g) ?? []).length;
          }
          expect(log).not.toHaveBeenCalled();
        } finally {
          log.mockRestore();
        }
        const after = await writeCounts(tx);
        // Every order written was reported as created, with its one history entry and change row; nothing else.
        expect(created).toBeGreaterThan(50);
        expect(after.orders - before.orders).toBe(created);
        expect(after.history - before.history).toBe(created);
        expect(after.changes - before.changes).toBe(created);
      }),
  );
});
