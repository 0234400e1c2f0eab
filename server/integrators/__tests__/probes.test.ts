import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cdek } from "../cdek";
import { measoft } from "../measoft";
import { DEMO_ACCOUNT, DEMO_GATE_USER, startTopDeliveryStandIn } from "@/server/stand-ins/topdelivery/server";
import { topdelivery } from "../topdelivery";
import { closedPortUrl, startCdekStub, startMeasoftStub, startSilentServer, type StubServer } from "./stubs";

const opts = (selfApiUrl = "http://127.0.0.1:9/api/") => ({ timeoutMs: 2_000, selfApiUrl });

describe("MeaSoft probe", () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startMeasoftStub([{ extra: "202", login: "alfa", pass: "alfa" }]);
  });
  afterAll(() => stub.close());

  it("accepts valid credentials with one authenticated read and nothing else", async () => {
    const before = stub.requests.length;
    const r = await measoft.probe(
      { login: "alfa", password: "alfa", extra: "202", apiUrl: `${stub.url}/api/` },
      opts(),
    );
    expect(r).toMatchObject({ status: "ok" });
    expect(r.message).toMatch(/Подключение установлено/);
    const sent = stub.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body).toMatch(/^<\?xml[^>]*>\s*<statusreq>/);
    expect(sent[0]!.body).not.toMatch(/neworder|cancelorder|commitlaststatus|<changes>/);
    expect(sent[0]!.headers["content-type"]).toMatch(/text\/xml/);
  });

  it("shows the partner's own authorization error for a wrong password", async () => {
    const r = await measoft.probe(
      { login: "alfa", password: "wrong", extra: "202", apiUrl: `${stub.url}/api/` },
      opts(),
    );
    expect(r).toEqual({ status: "error", message: "Партнёр ответил: Ошибка авторизации (код 25)" });
  });

  it("defaults to this deployment's own API when no URL is set", async () => {
    const r = await measoft.probe({ login: "alfa", password: "alfa", extra: "202" }, opts(`${stub.url}/api/`));
    expect(r.status).toBe("ok");
  });

  it("reports a refused connection as unreachable with the cause", async () => {
    const r = await measoft.probe(
      { login: "a", password: "b", extra: "1", apiUrl: `${await closedPortUrl()}/api/` },
      opts(),
    );
    expect(r.status).toBe("unreachable");
    expect(r.message).toMatch(/^Нет связи с 127\.0\.0\.1:\d+: соединение отклонено.*ECONNREFUSED/);
  });

  it("reports an unknown host as unreachable", async () => {
    const r = await measoft.probe(
      { login: "a", password: "b", extra: "1", apiUrl: "http://no-such-host.invalid/api/" },
      opts(),
    );
    expect(r.status).toBe("unreachable");
    expect(r.message).toMatch(/no-such-host\.invalid: .*(DNS|EAI_AGAIN|ENOTFOUND)/);
  });

  it("gives up after the timeout with a clear message", async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const r = await measoft.probe(
        { login: "a", password: "b", extra: "1", apiUrl: `${silent.url}/api/` },
        { timeoutMs: 300, selfApiUrl: "" },
      );
      expect(r).toEqual({
        status: "unreachable",
        message: `Нет связи с ${silent.url.slice(7)}: сервер не ответил за 0.3 с`,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await silent.close();
    }
  });

  it("names a web page or a foreign document where the API should be, never quoting it", async () => {
    const bodies = ["<html><head><title>Вход</title></head><body><p>Войдите</p></body></html>", "<shop/>"];
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(bodies.shift()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const page = await measoft.probe({ login: "a", password: "b", extra: "1", apiUrl }, opts());
      const notApi = `По адресу ${apiUrl} не отвечает MeaSoft API`;
      expect(page).toEqual({ status: "error", message: `${notApi}: вместо ответа API пришла веб-страница` });
      const other = await measoft.probe({ login: "a", password: "b", extra: "1", apiUrl }, opts());
      expect(other.message).toBe(`${notApi}: ожидался ответ «statusreq», получен другой документ`);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("says so when the URL answers but is not a MeaSoft API", async () => {
    const cdekStub = await startCdekStub("x", "y");
    try {
      const r = await measoft.probe(
        { login: "a", password: "b", extra: "1", apiUrl: `${cdekStub.url}/somewhere/` },
        opts(),
      );
      expect(r.status).toBe("error");
      expect(r.message).toMatch(/не отвечает MeaSoft API: HTTP 404/);
    } finally {
      await cdekStub.close();
    }
  });
});

describe("CDEK probe", () => {
  let stub: StubServer;
  beforeAll(async () => {
    stub = await startCdekStub("acc-1", "sec-1");
  });
  afterAll(() => stub.close());
  const base = {
    testMode: true,
    tariffCode: 136,
    contractType: "1" as const,
    quietPollMinutes: 30,
    shipmentPoint: "MSK1",
  };

  it("gets an OAuth token with client credentials in a form body", async () => {
    const before = stub.requests.length;
    const r = await cdek.probe({ ...base, account: "acc-1", securePassword: "sec-1", apiUrl: stub.url }, opts());
    expect(r).toEqual({
      status: "ok",
      message: "Подключение установлено: учебный стенд СДЭК принял ключи Account «acc-1», токен действует 60 мин",
    });
    const [req] = stub.requests.slice(before);
    expect(req).toMatchObject({ method: "POST", path: "/v2/oauth/token" });
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({
      grant_type: "client_credentials",
      client_id: "acc-1",
      client_secret: "sec-1",
    });
  });

  it("shows CDEK's own error for wrong keys", async () => {
    const r = await cdek.probe({ ...base, account: "acc-1", securePassword: "nope", apiUrl: `${stub.url}/` }, opts());
    expect(r).toEqual({ status: "error", message: "СДЭК отклонил ключи: Bad client credentials (invalid_client)" });
  });

  it("reports an unreachable CDEK", async () => {
    const r = await cdek.probe({ ...base, account: "a", securePassword: "b", apiUrl: await closedPortUrl() }, opts());
    expect(r.status).toBe("unreachable");
    expect(r.message).toMatch(/ECONNREFUSED/);
  });
});

describe("TopDelivery probe (the stand-in: namespace and SOAPAction only in its WSDL)", () => {
  let td: Awaited<ReturnType<typeof startTopDeliveryStandIn>>;
  beforeAll(async () => {
    td = await startTopDeliveryStandIn();
  });
  afterAll(() => td.close());
  const settings = (over: Record<string, string> = {}) => ({
    login: DEMO_ACCOUNT.login,
    password: DEMO_ACCOUNT.password,
    gateLogin: DEMO_GATE_USER.login,
    gatePassword: DEMO_GATE_USER.password,
    testMode: true,
    pollMinutes: 15,
    gateUrl: td.wsdlUrl,
    ...over,
  });

  it("passes with a read-only call whose namespace and SOAPAction come from the gate's WSDL", async () => {
    const r = await topdelivery.probe(settings(), opts());
    expect(r).toMatchObject({ status: "ok" });
    expect(td.counters.wsdlRequests).toBeGreaterThanOrEqual(1);
  });

  it("shows TopDelivery's own message for a wrong shop password", async () => {
    const r = await topdelivery.probe(settings({ password: "bad" }), opts());
    expect(r).toEqual({
      status: "error",
      message: "TopDelivery ответил: Ошибка авторизации: неверный логин или пароль магазина (статус 1)",
    });
  });

  it("tells a rejected gate login apart", async () => {
    const r = await topdelivery.probe(settings({ gatePassword: "bad" }), opts());
    expect(r).toEqual({ status: "error", message: "Шлюз TopDelivery отклонил логин или пароль шлюза (HTTP 401)" });
  });
});
