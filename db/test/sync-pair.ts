import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createDatabase } from "../client";
import { createBranch, createClient, createCompany, createStaff } from "./factories";
import type { ServiceContext } from "../../server/services/context";
import { saveIntegration } from "../../server/services/integrations/save";
import { createXmlApiServer } from "../../server/xmlapi/http-server";

/**
 * Two courier companies in two separate databases, as two deployments: A (extra 101) hands orders to its agent B
 * (extra 202) over B's real XML API on loopback. Used by the sync integration tests and the benchmark.
 */
export async function createSyncPair(
  urlA: string,
  urlB: string,
  options: { serverPort?: number; externalApiUrl?: string } = {},
) {
  const a = createDatabase(urlA, { max: 10 });
  const b = createDatabase(urlB, { max: 10 });

  const companyB = await createCompany(b.db, { name: "Бета Экспресс", extraCode: 202 });
  const staffB = await createStaff(b.db, companyB.id);
  const alfaAtB = await createClient(b.db, companyB.id, {
    name: "Альфа Курьер",
    kind: "courier",
    login: "alfa",
    password: "alfa",
    partnerExtraCode: 101,
  });
  const branchAtB = await createBranch(b.db, companyB.id, { name: "Альфа Курьер (Москва)", town: "Москва" });

  const companyA = await createCompany(a.db, { name: "Альфа Курьер", extraCode: 101 });
  const staffA = await createStaff(a.db, companyA.id);
  const shopA = await createClient(a.db, companyA.id, { name: "Демо-магазин" });
  const branchA = await createBranch(a.db, companyA.id, { name: "Бета Экспресс (Новосибирск)", town: "Новосибирск" });

  const ctxA: ServiceContext = {
    db: a.db,
    actor: { type: "staff", companyId: companyA.id, userId: staffA.id, role: "admin" },
  };
  const ctxB: ServiceContext = {
    db: b.db,
    actor: { type: "staff", companyId: companyB.id, userId: staffB.id, role: "admin" },
  };

  // B's API in this process, or (benchmark) in a process of its own, as a real partner deployment would be.
  let server: Server = createXmlApiServer(b.db);
  const port = options.externalApiUrl ? 0 : await listen(server, options.serverPort ?? 0);
  const apiUrl = options.externalApiUrl ?? `http://127.0.0.1:${port}/api/`;
  const integration = await saveIntegration({
    ctx: ctxA,
    input: {
      branchId: branchA.id,
      integrator: "measoft",
      values: { login: "alfa", password: "alfa", extra: "202", apiUrl },
    },
  });

  return {
    a,
    b,
    ctxA,
    ctxB,
    companyA,
    companyB,
    shopA,
    alfaAtB,
    branchA,
    branchAtB,
    integrationId: integration.id,
    apiUrl,
    port,
    /** Takes B's API off the network (a partner outage), keeping its database. */
    async stopPartner() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
    },
    async startPartner() {
      server = createXmlApiServer(b.db);
      await listen(server, port);
    },
    async close() {
      if (server.listening) await this.stopPartner();
      await Promise.all([a.sql.end(), b.sql.end()]);
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export type SyncPair = Awaited<ReturnType<typeof createSyncPair>>;
