import { startRetailCrmStandIn } from "./server";
import { standInPort, stopOnSignals } from "../shared/process";

// `npm run stand-in:retailcrm`: the RetailCRM stand-in as a process of its own (port RETAILCRM_STAND_IN_PORT, 8088).
// Our module's URLs come from RETAILCRM_CONFIG_URL / RETAILCRM_CONNECT_URL or later from POST /_control/configure.
const port = standInPort("RETAILCRM_STAND_IN_PORT", 8088);
const standIn = await startRetailCrmStandIn({
  port,
  demoApiKey: process.env.RETAILCRM_DEMO_API_KEY || undefined,
  simpleConnectionSecret: process.env.RETAILCRM_SECRET || undefined,
  configUrl: process.env.RETAILCRM_CONFIG_URL || undefined,
  connectUrl: process.env.RETAILCRM_CONNECT_URL || undefined,
  integrationCode: process.env.RETAILCRM_INTEGRATION_CODE || undefined,
});
const demo = standIn.demo;
console.log(`Заглушка RetailCRM слушает ${standIn.url}`);
console.log(`  Демо-аккаунт: ${demo.url} (также ${standIn.url}), API ${demo.url}/api/v5/…`);
console.log(`  API-ключ демо-аккаунта: ${demo.keys[0]!.key} (права: ${demo.keys[0]!.scopes.join(", ")})`);
console.log(`  Секрет простого подключения: ${standIn.tuning.simpleConnectionSecret}`);
console.log(
  `  Управление: ${standIn.url}/_control/… (info, accounts, keys, simple-connect, connect-url, callbacks/…, failures/…)`,
);

stopOnSignals("RetailCRM", () => standIn.close());
