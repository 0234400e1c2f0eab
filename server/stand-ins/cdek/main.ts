import { DELIVERY_POINTS } from "./reference";
import { DEMO_ACCOUNT, startCdekStandIn } from "./server";

// `npm run stand-in:cdek`: the CDEK API v2 stand-in as a process of its own (port from CDEK_STAND_IN_PORT, 8085).
const port = Number(process.env.CDEK_STAND_IN_PORT ?? 8085);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`CDEK_STAND_IN_PORT должен быть номером порта, а не «${process.env.CDEK_STAND_IN_PORT}»`);
  process.exit(1);
}
const standIn = await startCdekStandIn({ port });
console.log(`Заглушка СДЭК API v2 слушает ${standIn.url}`);
console.log(`  Account: ${DEMO_ACCOUNT.account}`);
console.log(`  Secure password: ${DEMO_ACCOUNT.secure}`);
console.log(`  ПВЗ и постаматы: ${DELIVERY_POINTS.map((p) => p.code).join(", ")}`);
console.log(`  Управление: ${standIn.url}/_control/… (orders/status, tokens/expire, fail-next, registries, configure)`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: заглушка СДЭК останавливается`);
  await standIn.close();
  process.exit(0);
}
process.on("SIGTERM", () => void stop("SIGTERM"));
process.on("SIGINT", () => void stop("SIGINT"));
