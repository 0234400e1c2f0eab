import { DELIVERY_POINTS } from "./reference";
import { DEMO_ACCOUNT, startCdekStandIn } from "./server";
import { standInPort, stopOnSignals } from "../shared/process";

// `npm run stand-in:cdek`: the CDEK API v2 stand-in as a process of its own (port from CDEK_STAND_IN_PORT, 8085).
const port = standInPort("CDEK_STAND_IN_PORT", 8085);
const standIn = await startCdekStandIn({ port });
console.log(`Заглушка СДЭК API v2 слушает ${standIn.url}`);
console.log(`  Account: ${DEMO_ACCOUNT.account}`);
console.log(`  Secure password: ${DEMO_ACCOUNT.secure}`);
console.log(`  ПВЗ и постаматы: ${DELIVERY_POINTS.map((p) => p.code).join(", ")}`);
console.log(`  Управление: ${standIn.url}/_control/… (orders/status, tokens/expire, fail-next, registries, configure)`);

stopOnSignals("СДЭК", () => standIn.close());
