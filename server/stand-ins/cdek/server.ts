import { answerControl, createStandInServer, readBody } from "../shared/process";
import { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrintKind } from "./print";
import { CITIES, DELIVERY_POINTS, renderCity, renderDeliveryPoint } from "./reference";
import { CdekHttpError, CdekPartner, ControlError } from "./state";
import type {
  CdekOrderView,
  CdekRegistry,
  CdekStandInOptions,
  CdekStandInState,
  CdekStandInTuning,
  RegistryInput,
  SetStatusInput,
  StandInCounters,
} from "./types";

export type * from "./types";
export { DEMO_ACCOUNT } from "./state";

/**
 * "429" / "500": answered with that status; "drop": the connection is closed without an answer, nothing done;
 * "drop-after": the request is carried out, then the connection is closed (the answer is lost on the way back).
 */
export type FailureKind = "429" | "500" | "drop" | "drop-after";

export interface CdekStandIn {
  /** `http://127.0.0.1:<port>`: the base the hub's `apiUrl` points at. */
  url: string;
  /** The live in-memory state, for inspection. */
  state: CdekStandInState;
  /** Counters since the start or the last `resetCounters()`. */
  readonly counters: StandInCounters;
  close(): Promise<void>;
  /** CDEK moves an order on (by uuid or cdek_number): appends to `entity.statuses` and fires ORDER_STATUS. */
  setStatus(input: SetStatusInput): CdekOrderView;
  /** Every issued token becomes invalid (401 on the next call); returns how many were live. */
  expireTokens(): number;
  /** The next `count` requests to /v2 fail this way. */
  failNext(count: number, kind: FailureKind): void;
  addRegistry(input: RegistryInput): CdekRegistry;
  makeRegistry(date: string, opts?: { commissionPercent?: number; account?: string }): CdekRegistry | null;
  /** Changes delays, limits and the webhook loss rate while running. */
  configure(patch: Partial<CdekStandInTuning>): CdekStandInTuning;
  resetCounters(): void;
  /** Resolves once every webhook delivery started so far has settled. */
  settle(): Promise<void>;
}

type Reply = { status: number; json: unknown } | { status: number; pdf: Buffer };

interface Ctx {
  method: string;
  url: URL;
  params: string[];
  headers: IncomingMessage["headers"];
  raw: Buffer;
  /** Set for routes behind a token. */
  account: string;
  json(): unknown;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** The counter key, e.g. "GET /v2/orders/{uuid}". */
  name: string;
  auth: boolean;
  handle(ctx: Ctx): Reply | Promise<Reply>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const JSON_TYPE = "application/json;charset=UTF-8";
const UUID = "([0-9a-fA-F-]{36})";
const PRINT_KIND = "(orders|barcodes)";

const ok = (json: unknown, status = 200): Reply => ({ status, json });

function apiRoutes(partner: CdekPartner): Route[] {
  const route = (method: string, path: string, pattern: string, auth: boolean, handle: Route["handle"]): Route => ({
    method,
    name: `${method} ${path}`,
    pattern: new RegExp(`^${pattern}$`),
    auth,
    handle,
  });
  return [
    route("POST", "/v2/oauth/token", "/v2/oauth/token", false, (c) => {
      const params = new URLSearchParams(c.url.search);
      if (/x-www-form-urlencoded/i.test(c.headers["content-type"] ?? ""))
        for (const [k, v] of new URLSearchParams(c.raw.toString("utf8"))) params.set(k, v);
      return ok(partner.issueToken(params));
    }),
    route("POST", "/v2/orders", "/v2/orders", true, (c) => ok(partner.createOrder(c.account, c.json()), 202)),
    route("GET", "/v2/orders", "/v2/orders", true, (c) =>
      ok(partner.renderOrder(partner.lookUp(c.account, c.url.searchParams))),
    ),
    route("GET", "/v2/orders/{uuid}", `/v2/orders/${UUID}`, true, (c) =>
      ok(partner.renderOrder(partner.order(c.account, c.params[0]!))),
    ),
    route("DELETE", "/v2/orders/{uuid}", `/v2/orders/${UUID}`, true, (c) =>
      ok(partner.deleteOrder(c.account, c.params[0]!), 202),
    ),
    route("POST", "/v2/webhooks", "/v2/webhooks", true, (c) => ok(partner.subscribe(c.account, c.json()))),
    route("GET", "/v2/webhooks", "/v2/webhooks", true, (c) => ok(partner.listWebhooks(c.account))),
    route("GET", "/v2/webhooks/{uuid}", `/v2/webhooks/${UUID}`, true, (c) => {
      const { uuid, type, url } = partner.webhook(c.account, c.params[0]!);
      return ok({ entity: { uuid, type, url }, requests: [], related_entities: [] });
    }),
    route("DELETE", "/v2/webhooks/{uuid}", `/v2/webhooks/${UUID}`, true, (c) =>
      ok(partner.unsubscribe(c.account, c.params[0]!)),
    ),
    route("POST", "/v2/print/{kind}", `/v2/print/${PRINT_KIND}`, true, (c) =>
      ok(partner.createPrintJob(c.account, c.params[0] as PrintKind, c.json()), 202),
    ),
    route("GET", "/v2/print/{kind}/{uuid}.pdf", `/v2/print/${PRINT_KIND}/${UUID}\\.pdf`, true, (c) => ({
      status: 200,
      pdf: partner.printPdf(c.account, c.params[0] as PrintKind, c.params[1]!),
    })),
    route("GET", "/v2/print/{kind}/{uuid}", `/v2/print/${PRINT_KIND}/${UUID}`, true, (c) =>
      ok(partner.printJob(c.account, c.params[0] as PrintKind, c.params[1]!)),
    ),
    route("GET", "/v2/registries", "/v2/registries", true, (c) =>
      ok(partner.registriesFor(c.account, c.url.searchParams.get("date"))),
    ),
    route("GET", "/v2/location/cities", "/v2/location/cities", true, (c) => ok(findCities(c.url.searchParams))),
    route("GET", "/v2/deliverypoints", "/v2/deliverypoints", true, (c) => ok(findDeliveryPoints(c.url.searchParams))),
  ];
}

/** `GET /v2/location/cities`: exact, case-insensitive `city`; `code`; `country_codes`; `size`/`page` paging. */
function findCities(q: URLSearchParams) {
  const name = q.get("city")?.trim().toLocaleLowerCase("ru");
  const code = q.get("code");
  const countries = q.get("country_codes")?.toUpperCase().split(",").filter(Boolean);
  const found = CITIES.filter(
    (c) =>
      (!name || c.city.toLocaleLowerCase("ru") === name) &&
      (!code || String(c.code) === code) &&
      (!countries?.length || countries.includes(c.country_code)),
  );
  return page(found, q).map(renderCity);
}

/** `GET /v2/deliverypoints`: by `code`, `city_code`, `type` (PVZ, POSTAMAT, ALL), `country_code`. */
function findDeliveryPoints(q: URLSearchParams) {
  const code = q.get("code");
  const cityCode = q.get("city_code");
  const type = q.get("type")?.toUpperCase();
  const shown = DELIVERY_POINTS.map(renderDeliveryPoint).filter(
    (p) =>
      (!code || p.code === code) &&
      (!cityCode || String(p.location.city_code) === cityCode) &&
      (!type || type === "ALL" || p.type === type) &&
      (!q.get("country_code") || p.location.country_code === q.get("country_code")?.toUpperCase()),
  );
  return page(shown, q);
}

function page<T>(list: T[], q: URLSearchParams): T[] {
  const size = Number(q.get("size") ?? 0);
  if (!(size > 0)) return list;
  const from = Math.max(0, Number(q.get("page") ?? 0) || 0) * size;
  return list.slice(from, from + size);
}

/** At most `limit` requests in any 1-second window. */
class SlidingWindow {
  private readonly stamps: number[] = [];
  admit(limit: number, now = Date.now()): boolean {
    while (this.stamps.length && this.stamps[0]! <= now - 1000) this.stamps.shift();
    if (this.stamps.length >= limit) return false;
    this.stamps.push(now);
    return true;
  }
}

function send(res: ServerResponse, reply: Reply) {
  if ("pdf" in reply)
    res
      .writeHead(reply.status, { "content-type": "application/pdf", "content-length": reply.pdf.length })
      .end(reply.pdf);
  else {
    const body = JSON.stringify(reply.json);
    res.writeHead(reply.status, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(body) }).end(body);
  }
}

const errorsReply = (status: number, code: string, message: string): Reply =>
  ok({ errors: [{ code, message }] }, status);

function parseJson(raw: Buffer): unknown {
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new CdekHttpError(400, { errors: [{ code: "v2_bad_request", message: "Тело запроса не является JSON" }] });
  }
}

/** Starts the CDEK API v2 stand-in on 127.0.0.1 (see reference.ts for its towns and offices). */
export async function startCdekStandIn(options: CdekStandInOptions = {}): Promise<CdekStandIn> {
  let url = "";
  const partner = new CdekPartner(options, () => url);
  const routes = apiRoutes(partner);
  const window = new SlidingWindow();
  const failures: FailureKind[] = [];

  const controls = controlRoutes(partner, (count, kind) => failNext(count, kind));
  function failNext(count: number, kind: FailureKind) {
    if (!Number.isInteger(count) || count < 0) throw new ControlError(400, "count: нужно целое число ≥ 0");
    if (!["429", "500", "drop", "drop-after"].includes(kind))
      throw new ControlError(400, "kind: нужен один из 429, 500, drop, drop-after");
    for (let i = 0; i < count; i++) failures.push(kind);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, target: URL, raw: Buffer) {
    const method = req.method ?? "GET";
    let params: string[] = [];
    const matched = routes.find((r) => {
      const m = r.method === method ? r.pattern.exec(target.pathname) : null;
      if (m) params = m.slice(1);
      return m !== null;
    });
    const counters = partner.state.counters;
    const key = matched?.name ?? `${method} ${target.pathname}`;
    counters.requests[key] = (counters.requests[key] ?? 0) + 1;

    const failure = failures.shift();
    if (failure) counters.injectedFailures++;
    if (failure === "drop") return void req.socket.destroy();
    if (failure === "429" || failure === "500")
      return send(
        res,
        failure === "429"
          ? errorsReply(429, "v2_too_many_requests", "Слишком много запросов, повторите позже")
          : errorsReply(500, "v2_internal_error", "Запрос выполнился с системной ошибкой"),
      );
    if (!window.admit(partner.state.tuning.rateLimitRps)) {
      counters.rateLimited++;
      return send(res, errorsReply(429, "v2_too_many_requests", "Превышен лимит запросов в секунду, повторите позже"));
    }
    if (!matched)
      return send(res, errorsReply(404, "v2_entity_not_found", `Нет такого метода: ${method} ${target.pathname}`));

    let reply: Reply;
    try {
      const account = matched.auth ? partner.authenticate(req.headers.authorization) : "";
      if (matched.name === "POST /v2/orders") await sleep(createDelay(partner.state.tuning.createDelayMs));
      reply = await matched.handle({
        method,
        url: target,
        params,
        headers: req.headers,
        raw,
        account,
        json: () => parseJson(raw),
      });
    } catch (e) {
      if (!(e instanceof CdekHttpError)) console.error("CDEK stand-in:", e);
      reply =
        e instanceof CdekHttpError
          ? { status: e.status, json: e.body }
          : errorsReply(500, "v2_internal_error", "Запрос выполнился с системной ошибкой");
    }
    if (failure === "drop-after") return void req.socket.destroy();
    send(res, reply);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, target: URL, raw: Buffer) {
    const control = controls.find((c) => c.method === req.method && c.path === target.pathname);
    if (!control)
      return send(res, ok({ error: `Нет такой управляющей команды: ${req.method} ${target.pathname}` }, 404));
    const answer = await answerControl(raw, {}, control.run);
    send(res, ok(answer.body, answer.status));
  }

  const server = createStandInServer((req, res) => {
    void (async () => {
      const target = new URL(req.url ?? "/", "http://stand-in");
      const raw = await readBody(req, MAX_BODY_BYTES);
      if (raw === "too-large")
        return send(res, errorsReply(413, "v2_bad_request", `Тело запроса больше ${MAX_BODY_BYTES} байт`));
      if (target.pathname.startsWith("/_control/")) return handleControl(req, res, target, raw);
      if (target.pathname.startsWith("/v2/")) return handleApi(req, res, target, raw);
      send(res, errorsReply(404, "v2_entity_not_found", `Нет такого метода: ${req.method} ${target.pathname}`));
    })().catch((e: unknown) => {
      console.error("CDEK stand-in:", e);
      if (!res.headersSent) send(res, errorsReply(500, "v2_internal_error", "Запрос выполнился с системной ошибкой"));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    state: partner.state,
    get counters() {
      return partner.state.counters;
    },
    async close() {
      await partner.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    setStatus: (input) => partner.setStatus(input),
    expireTokens: () => partner.expireTokens(),
    failNext,
    addRegistry: (input) => partner.addRegistry(input),
    makeRegistry: (date, opts) => partner.makeRegistry(date, opts),
    configure: (patch) => partner.configure(patch),
    resetCounters: () => partner.resetCounters(),
    settle: () => partner.settle(),
  };
}

interface Control {
  method: "GET" | "POST";
  path: string;
  run(input: Record<string, unknown>): unknown;
}

/** `/_control/…`: the same calls over HTTP for the demo and other processes; bodies are the methods' arguments. */
function controlRoutes(partner: CdekPartner, failNext: (count: number, kind: FailureKind) => void): Control[] {
  return [
    { method: "GET", path: "/_control/counters", run: () => partner.state.counters },
    { method: "POST", path: "/_control/counters/reset", run: () => (partner.resetCounters(), {}) },
    {
      method: "GET",
      path: "/_control/orders",
      run: () => [...partner.state.orders.values()].map((o) => ({ account: o.account, ...partner.renderOrder(o) })),
    },
    { method: "GET", path: "/_control/webhook-deliveries", run: () => partner.state.webhookDeliveries },
    {
      method: "POST",
      path: "/_control/orders/status",
      run: (input) => partner.setStatus(input as unknown as SetStatusInput),
    },
    { method: "POST", path: "/_control/tokens/expire", run: () => ({ expired: partner.expireTokens() }) },
    {
      method: "POST",
      path: "/_control/fail-next",
      run: (input) => (failNext(Number(input.count ?? 1), String(input.kind) as FailureKind), {}),
    },
    {
      method: "POST",
      path: "/_control/registries",
      run: (input) => ({ registry: partner.addRegistry(input as unknown as RegistryInput) }),
    },
    {
      method: "POST",
      path: "/_control/registries/make",
      run: (input) => {
        if (typeof input.date !== "string") throw new ControlError(400, "date: нужна дата ГГГГ-ММ-ДД");
        const opts = input as { commissionPercent?: number; account?: string };
        return { registry: partner.makeRegistry(input.date, opts) };
      },
    },
    {
      method: "POST",
      path: "/_control/configure",
      run: (input) => ({ tuning: partner.configure(input as Partial<CdekStandInTuning>) }),
    },
    { method: "POST", path: "/_control/settle", run: async () => (await partner.settle(), {}) },
  ];
}

function createDelay([min, max]: [number, number]): number {
  return min + Math.random() * (max - min);
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}
