import { createCallerFactory, createTRPCRouter } from "./init";
import { branchesRouter } from "./routers/branches";
import { bulkRouter } from "./routers/bulk";
import { clientIntegrationRouter } from "./routers/client-integration";
import { clientsRouter } from "./routers/clients";
import { companySettingsRouter } from "./routers/company-settings";
import { dashboardRouter } from "./routers/dashboard";
import { importsRouter } from "./routers/imports";
import { integrationsRouter } from "./routers/integrations";
import { manifestsRouter } from "./routers/manifests";
import { ordersRouter } from "./routers/orders";
import { pimpayRouter } from "./routers/pimpay";
import { pimpayReportsRouter } from "./routers/pimpay-reports";
import { remittancesRouter } from "./routers/remittances";
import { shopAppsRouter } from "./routers/shop-apps";
import { securityRouter } from "./routers/security";
import { statusMappingRouter } from "./routers/status-mapping";
import { syncRouter } from "./routers/sync";
import { usersRouter } from "./routers/users";

export const appRouter = createTRPCRouter({
  orders: ordersRouter,
  imports: importsRouter,
  bulk: bulkRouter,
  sync: syncRouter,
  manifests: manifestsRouter,
  clients: clientsRouter,
  branches: branchesRouter,
  integrations: integrationsRouter,
  security: securityRouter,
  remittances: remittancesRouter,
  shopApps: shopAppsRouter,
  statusMapping: statusMappingRouter,
  pimpay: pimpayRouter,
  pimpayReports: pimpayReportsRouter,
  users: usersRouter,
  companySettings: companySettingsRouter,
  dashboard: dashboardRouter,
  clientIntegration: clientIntegrationRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
