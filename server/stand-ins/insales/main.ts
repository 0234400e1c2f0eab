import { startInSalesStandIn } from "./server";
import { standInPort, stopOnSignals } from "../shared/process";

// `npm run stand-in:insales`: the InSales stand-in as a process of its own (port from INSALES_STAND_IN_PORT, 8087).
// Our app's URLs come from INSALES_APP_INSTALL_URL / _UNINSTALL_URL / _LOGIN_URL or later from POST /_control/configure.
const port = standInPort("INSALES_STAND_IN_PORT", 8087);
const standIn = await startInSalesStandIn({
  port,
  appId: process.env.INSALES_APP_ID || undefined,
  appSecret: process.env.INSALES_APP_SECRET || undefined,
  appUrls: {
    install: process.env.INSALES_APP_INSTALL_URL || undefined,
    uninstall: process.env.INSALES_APP_UNINSTALL_URL || undefined,
    login: process.env.INSALES_APP_LOGIN_URL || undefined,
  },
});
const demo = standIn.createShop({ host: "demo-shop.myinsales.ru", title: "Демо-магазин" });
console.log(`Заглушка InSales слушает ${standIn.url}`);
console.log(`  Приложение: ${standIn.appId} (секрет ${standIn.appSecret})`);
console.log(`  Демо-магазин: ${demo.host}, insales_id ${demo.insalesId}, API ${demo.apiBase}/admin/…`);
console.log(
  `  Управление: ${standIn.url}/_control/… (info, configure, shops, install, uninstall, open-app, orders, …)`,
);

stopOnSignals("InSales", () => standIn.close());
