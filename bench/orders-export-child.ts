import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import { createDatabase } from "../db/client";
import { exportOrders } from "../server/services/orders/export";

// bench/orders-search.ts's export in a process of its own: argv url companyId clientId format outFile. Prints one JSON
// line: time, bytes, and the process's RSS before and at its peak (sampled every 20 ms while the file streams).

const [url, companyId, clientId, format, outFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  "xlsx" | "csv",
  string,
];
const mb = () => Math.round(process.memoryUsage().rss / 1e6);
const { db, sql } = createDatabase(url, { max: 2 });
await db.execute("select 1");
const rssBefore = mb();
let rssPeak = rssBefore;
let heapPeak = 0;
let buffersPeak = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  rssPeak = Math.max(rssPeak, Math.round(m.rss / 1e6));
  heapPeak = Math.max(heapPeak, Math.round(m.heapUsed / 1e6));
  buffersPeak = Math.max(buffersPeak, Math.round(m.arrayBuffers / 1e6));
}, 20);
const t0 = performance.now();
const file = await exportOrders({
  ctx: { db, actor: { type: "staff", companyId: Number(companyId), userId: 0, role: "admin" } },
  input: { clientId: Number(clientId), format },
});
let bytes = 0;
const disk = createWriteStream(outFile);
await file.stream.pipeTo(
  Writable.toWeb(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        disk.write(chunk, done);
      },
    }),
  ),
);
await new Promise((r) => disk.end(r));
const ms = performance.now() - t0;
clearInterval(sampler);
rssPeak = Math.max(rssPeak, mb());
await sql.end();
console.log(JSON.stringify({ ms, bytes, rssBefore, rssPeak, heapPeak, buffersPeak }));
