import { randomBytes } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { checkIntegration, saveIntegration } from "@/server/services/integrations";
import type { ServiceError } from "@/server/services/errors";
import { PartnerError } from "@/server/integrators/errors";
import { guardedLookup, isAllowListed, isInternalAddress, parseAllowList, REFUSED_MESSAGE } from "../address-policy";
import { cdek } from "../cdek";
import { measoft } from "../measoft";
import { measoftOutbound } from "../measoft/client";
import { topdelivery } from "../topdelivery";
import { startMeasoftStub, type StubServer } from "./stubs";

// Issue 8, defect 8: staff could point an integration at any address and use «Проверить» as a port scanner, with
// up to 120 characters of the answer echoed. vitest.config.ts allow-lists loopback for the other tests' stand-ins;
// here the list is cleared (or narrowed) explicitly.

process.env.SECRETS_KEY ??= randomBytes(32).toString("base64");
const ENV = "INTEGRATION_ALLOWED_HOSTS";
let savedEnv: string | undefined;
beforeEach(() => {
  savedEnv = process.env[ENV];
  process.env[ENV] = "";
});
afterEach(() => {
  process.env[ENV] = savedEnv;
});

const opts = { timeoutMs: 2_000, selfApiUrl: "http://127.0.0.1:9/api/" };
const REFUSED = { status: "unreachable", message: REFUSED_MESSAGE };
const fail = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable("expected an error"),
    (e: unknown) => e as ServiceError,
  );

/** An HTTP server on loopback that answers every request with `answer`, counting what reached it. */
async function listen(answer: (res: ServerResponse) => void) {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on("end", () => answer(res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((r) => server.close(() => r()));
  return { url: `http://127.0.0.1:${port}`, port, hits: () => hits, close };
}

describe("address policy", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "64:ff9b::10.0.0.1",
    "2002:c0a8:0101::1",
  ])("refuses %s", (ip) => expect(isInternalAddress(ip)).toBe(true));

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "2a00:1450:4010:c0b::8a", "::ffff:8.8.8.8"])(
    "allows %s",
    (ip) => expect(isInternalAddress(ip)).toBe(false),
  );

  it("reads the allow-list as host or host:port entries", () => {
    expect(parseAllowList(" 127.0.0.1:3000, Localhost:3000 ,[::1]:8080, partner.lan, ::1")).toEqual([
      { host: "127.0.0.1", port: 3000 },
      { host: "localhost", port: 3000 },
      { host: "::1", port: 8080 },
      { host: "partner.lan", port: undefined },
      { host: "::1", port: undefined },
    ]);
    process.env[ENV] = "127.0.0.1:3000,partner.lan";
    expect(isAllowListed("127.0.0.1", 3000)).toBe(true);
    expect(isAllowListed("127.0.0.1", 3001)).toBe(false);
    expect(isAllowListed("PARTNER.LAN.", 8443)).toBe(true);
  });

  it("checks the addresses a name resolves to at connect time (DNS rebinding)", async () => {
    const resolve = (host: string) =>
      new Promise<{ err: Error | null; address: unknown }>((r) =>
        guardedLookup(80)(host, { all: true }, (err, address) => r({ err, address })),
      );
    const refused = await resolve("localhost");
    expect(refused.err?.message).toMatch(/^Адрес недоступен: внутренние адреса запрещены/);
    process.env[ENV] = "localhost:80";
    const allowed = await resolve("localhost");
    expect(allowed.err).toBeNull();
    expect(allowed.address).not.toEqual([]);
  });
});

describe("probes and exchanges refuse internal targets", () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startMeasoftStub([{ extra: "202", login: "alfa", pass: "alfa" }]);
  });
  afterAll(() => stub.close());
  const settings = () => ({ login: "alfa", password: "alfa", extra: "202", apiUrl: `${stub.url}/api/` });

  it("«Проверить» at 127.0.0.1 is refused without a connection unless allow-listed", async () => {
    const before = stub.requests.length;
    expect(await measoft.probe(settings(), opts)).toEqual(REFUSED);
    const internal = ["http://[::1]:9/", "http://[::ffff:127.0.0.1]:9/", "http://2130706433:9/", "http://localhost:9/"];
    for (const apiUrl of [...internal, "http://169.254.169.254/"]) {
      expect(await measoft.probe({ ...settings(), apiUrl }, opts)).toEqual(REFUSED);
    }
    const cdekSettings = { account: "a", securePassword: "b", testMode: false, apiUrl: `${stub.url}/` } as never;
    expect(await cdek.probe(cdekSettings, opts)).toEqual(REFUSED);
    expect(stub.requests.length).toBe(before);

    // Listed as host:port, the same stand-in is reachable; another port of the same host is not.
    const port = new URL(stub.url).port;
    process.env[ENV] = `127.0.0.1:${port}`;
    expect(await measoft.probe(settings(), opts)).toMatchObject({ status: "ok" });
    const otherPort = await measoft.probe({ ...settings(), apiUrl: "http://127.0.0.1:9/api/" }, opts);
    expect(otherPort).toMatchObject({ message: REFUSED_MESSAGE });
  });

  it("does not follow a redirect to an internal target", async () => {
    const inner = await listen((res) => res.end('<statusreq count="0"/>'));
    const outer = await listen((res) => {
      res.writeHead(302, { location: `${inner.url}/api/` });
      res.end();
    });
    try {
      process.env[ENV] = `127.0.0.1:${outer.port}`;
      const r = await measoft.probe({ ...settings(), apiUrl: `${outer.url}/api/` }, opts);
      expect(r.status).toBe("unreachable");
      expect(r.message).toMatch(/^Адрес недоступен: внутренние адреса запрещены/);
      expect(outer.hits()).toBe(1);
      expect(inner.hits()).toBe(0);
    } finally {
      await inner.close();
      await outer.close();
    }
  });

  it("a real exchange with a refused address stops as a settings problem, not a retry", async () => {
    const e = await measoftOutbound.send(settings(), [], { ...opts, integrationId: 1 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PartnerError);
    expect(e).toMatchObject({ kind: "auth", message: REFUSED_MESSAGE });
  });
});

describe("a probe never shows the partner's body", () => {
  const SECRET = "SECRET-INTERNAL-PAGE root:x:0:0 <script>alert(1)</script>";
  it.each([
    [200, "text/html"],
    [404, "text/html"],
    [401, "text/html"],
    [502, "text/html"],
    [200, "application/json"],
  ])("HTTP %i %s", async (status, type) => {
    const server = await listen((res) => {
      res.writeHead(status, { "content-type": type });
      res.end(type === "application/json" ? `{"unexpected": "${SECRET}"}` : `<html><body>${SECRET}</body></html>`);
    });
    try {
      process.env[ENV] = `127.0.0.1:${server.port}`;
      const td = { login: "a", password: "b", gateLogin: "c", gatePassword: "d", gateUrl: server.url } as never;
      const results = [
        await measoft.probe({ login: "a", password: "b", extra: "1", apiUrl: `${server.url}/api/` }, opts),
        await cdek.probe({ account: "a", securePassword: "b", testMode: false, apiUrl: server.url } as never, opts),
        await topdelivery.probe(td, opts),
      ];
      for (const r of results) {
        expect(r.status).not.toBe("ok");
        expect(r.message).not.toMatch(/SECRET|root:x|script|html|body|unexpected/);
        expect(r.message.length).toBeLessThan(200);
      }
      if (status === 502) expect(results[0]!.message).toMatch(/HTTP 502/);
    } finally {
      await server.close();
    }
  });
});

describe("saving settings", () => {
  it("refuses an internal address with a Russian field error, and saves it once allow-listed", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const save = (apiUrl: string) => {
        const values = { login: "l", password: "p", extra: "202", apiUrl };
        return saveIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id, integrator: "measoft", values } });
      };
      const internal = ["http://127.0.0.1:9/api/", "http://10.0.0.5/api/", "http://[fd00::1]/api/"];
      for (const apiUrl of [...internal, "http://localhost./api/", "http://0x7f.1:9/"]) {
        const e = await fail(save(apiUrl));
        expect(e.code).toBe("BAD_REQUEST");
        expect(e.fieldErrors).toEqual({ apiUrl: [REFUSED_MESSAGE] });
      }
      process.env[ENV] = "127.0.0.1:9";
      expect(await save("http://127.0.0.1:9/api/")).toMatchObject({ action: "configured" });
      // Allowed when saved, refused when the list no longer has it: the probe says so and connects nowhere.
      process.env[ENV] = "";
      const check = await checkIntegration({ ctx: t.staffCtx, input: { branchId: t.branch.id } });
      expect(check).toMatchObject({ status: "unreachable", message: REFUSED_MESSAGE });
    }));
});
