import { DEMO_ACCOUNT, DEMO_GATE_USER, startTopDeliveryStandIn } from "./server";
import { standInPort, stopOnSignals } from "../shared/process";

// `npm run stand-in:topdelivery`: the TopDelivery SOAP stand-in as a process of its own (port from
// TOPDELIVERY_STAND_IN_PORT, 8086; TOPDELIVERY_STAND_IN_ADVANCE_MS > 0 moves orders on by themselves).
const port = standInPort("TOPDELIVERY_STAND_IN_PORT", 8086);
const advanceEveryMs = Number(process.env.TOPDELIVERY_STAND_IN_ADVANCE_MS ?? 0);
if (!(Number.isFinite(advanceEveryMs) && advanceEveryMs >= 0)) {
  console.error("TOPDELIVERY_STAND_IN_ADVANCE_MS должен быть неотрицательным числом миллисекунд");
  process.exit(1);
}
const standIn = await startTopDeliveryStandIn({ port, advanceEveryMs });
console.log(`Заглушка TopDelivery (SOAP) слушает ${standIn.url}`);
console.log(`  WSDL шлюза w/2.0: ${standIn.wsdlUrl} (namespace ${standIn.namespace})`);
console.log(`  WSDL шлюза печати: ${standIn.printWsdlUrl} (namespace ${standIn.printNamespace})`);
console.log(`  HTTP Basic шлюза: ${DEMO_GATE_USER.login} / ${DEMO_GATE_USER.password}`);
console.log(`  auth магазина: ${DEMO_ACCOUNT.login} / ${DEMO_ACCOUNT.password}`);
console.log(`  Управление: ${standIn.url}/_control/… (info, orders, orders/status, advance, fail-next, configure)`);

stopOnSignals("TopDelivery", () => standIn.close());
