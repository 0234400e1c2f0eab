import { cdekRegistry } from "./cdek-registry";
import { cdekTransfer } from "./cdek-transfer";
import { dashboard } from "./dashboard";
import { importBench } from "./import";
import { insalesInbound } from "./insales-inbound";
import { labels } from "./labels";
import { ordersList, ordersSearch } from "./orders-list";
import { pimpay } from "./pimpay";
import { retailcrm } from "./retailcrm";
import { syncTransfer } from "./sync-transfer";
import { topDeliveryTransfer } from "./topdelivery-transfer";
import { xmlFuzz, xmlHostile } from "./xml-hostile";
import { xmlIngest } from "./xml-ingest";

/**
 * `npm run bench [name…]`: runs every benchmark (or the named ones) in turn. A benchmark is a name and a function
 * that prints its own figures; add new ones to this list.
 */
export interface Bench {
  name: string;
  run(): Promise<void>;
}

const benches: Bench[] = [
  xmlIngest,
  syncTransfer,
  ordersList,
  ordersSearch,
  xmlHostile,
  xmlFuzz,
  cdekRegistry,
  cdekTransfer,
  topDeliveryTransfer,
  labels,
  insalesInbound,
  retailcrm,
  pimpay,
  importBench,
  dashboard,
];

const wanted = new Set(process.argv.slice(2));
for (const b of benches) {
  if (wanted.size && !wanted.has(b.name)) continue;
  console.log(`\n=== ${b.name} ===`);
  await b.run();
}
