import { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  type Operation,
  OPERATIONS,
  PIMPAY_NAMESPACE,
  SIGNATURE_HEADER,
  SOAP_PATH,
  soapActionFor,
  WSDL_PATH,
} from "./reference";
import { checkSignature, type SignatureCheck } from "./signature";
import { answerEnvelope, faultEnvelope, parseEnvelope, SoapFault, text, type SoapRequest } from "./soap";
import { ControlError, PimPayPlatform } from "./state";
import type {
  CallRecord,
  FailureKind,
  PimPayStandInOptions,
  PimPayStandInTuning,
  TokenView,
  ClientRecord,
  OrderRecord,
  VerificationRecord,
} from "./types";
import { standInWsdl } from "./wsdl";
import { answerControl, createStandInServer, readBody } from "../shared/process";

export type * from "./types";
export { DEMO_TOKEN } from "./state";
export { OPERATIONS, PIMPAY_NAMESPACE, SOAP_PATH, WSDL_PATH, soapActionFor } from "./reference";
export type { Operation } from "./reference";

/** The PimPay Platform API v2_7 stand-in: SOAP at `/v2_7/soap/invoke`, its WSDL at `/v2_7/soap/wsdl`. */
export interface PimPayStandIn {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `<url>/v2_7/soap/invoke`. */
  endpoint: string;
  /** `<url>/v2_7/soap/wsdl`. */
  wsdlUrl: string;
  namespace: string;
  demoToken: string;
  /** The in-memory platform, for inspection. */
  platform: PimPayPlatform;
  close(): Promise<void>;
  /** What a courier company does in PimPay's cabinet: creates the token (random if none) and/or sets its key. */
  registerToken(token?: string, publicKeyPem?: string): TokenView;
  /** A client (shop) made on PimPay's side, active and payable unless said otherwise; `token` defaults to the demo. */
  createClient(input: Partial<ClientRecord> & { tin: string; token?: string }): ClientRecord;
  orders(filter?: { token?: string; tin?: string; id?: string }): OrderRecord[];
  verifications(token?: string): VerificationRecord[];
  /** Settles pending verifications now (or one by id, optionally forcing the result). */
  settleVerifications(input?: {
    token?: string;
    id?: string;
    status?: "matched" | "discarded";
    errors?: string[];
  }): VerificationRecord[];
  /** The next `count` SOAP calls (of `operation` only, when given) fail this way. */
  failNext(count: number, kind: FailureKind, options?: { operation?: Operation; delayMs?: number }): void;
  configure(patch: Partial<PimPayStandInTuning>): PimPayStandInTuning;
  /** Back to the start; `keepTokens` keeps registered tokens and keys. */
  reset(keepTokens?: boolean): void;
  calls(): CallRecord[];
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const XML_TYPE = "text/xml; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
const FAILURE_KINDS: FailureKind[] = ["500", "fault", "delay", "drop"];
const DEFAULT_FAILURE_DELAY_MS = 30_000;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer) {
  const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, { "content-type": type, "content-length": buf.length }).end(buf);
}

/** Starts the PimPay stand-in on 127.0.0.1. */
export async function startPimPayStandIn(options: PimPayStandInOptions = {}): Promise<PimPayStandIn> {
  let url = "";
  const base = () => options.publicUrl?.replace(/\/+$/, "") ?? url;
  const platform = new PimPayPlatform(options);
  const namespace = PIMPAY_NAMESPACE;
  const sockets = new Set<Socket>();
  const timers = new Set<() => void>();

  function failNext(count: number, kind: FailureKind, o: { operation?: Operation; delayMs?: number } = {}) {
    if (!Number.isInteger(count) || count < 0) throw new ControlError(400, "count: нужно целое число ≥ 0");
    if (!FAILURE_KINDS.includes(kind)) throw new ControlError(400, `kind: нужен один из ${FAILURE_KINDS.join(", ")}`);
    if (o.operation !== undefined && !OPERATIONS.includes(o.operation))
      throw new ControlError(400, `operation: нужна одна из ${OPERATIONS.join(", ")}`);
    const delayMs = o.delayMs === undefined ? DEFAULT_FAILURE_DELAY_MS : Number(o.delayMs);
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new ControlError(400, "delayMs: нужно число ≥ 0");
    for (let i = 0; i < count; i++) platform.failures.push({ kind, operation: o.operation, delayMs });
  }

  /** A delay that ends early when the client hangs up or the stand-in closes (so close() never waits for it). */
  function wait(ms: number, res: ServerResponse) {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(done);
        res.off("close", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(done);
      res.on("close", done);
    });
  }

  async function handleSoap(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const call: CallRecord = {
      at: new Date(platform.now()).toISOString(),
      operation: "",
      soapHeaders: {},
      outcome: "ok",
    };
    const fault = (f: SoapFault) => {
      call.outcome = call.outcome === "injected" ? "injected" : "fault";
      call.fault = f.message;
      platform.recordCall(call);
      send(res, 500, XML_TYPE, faultEnvelope(namespace, f));
    };
    let request: SoapRequest;
    try {
      request = parseEnvelope(raw.toString("utf8"));
    } catch (e) {
      call.operation = "(не SOAP)";
      if (e instanceof SoapFault) return fault(e);
      throw e;
    }
    const op = request.operation;
    call.operation = op.name;
    for (const h of request.headers) call.soapHeaders[h.name] = h.text;
    if (op.ns !== namespace || !OPERATIONS.includes(op.name as Operation))
      return fault(new SoapFault("Client", `Метод {${op.ns}}${op.name} не описан в WSDL (${namespace})`));
    const operation = op.name as Operation;
    const action = req.headers.soapaction;
    const given = typeof action === "string" ? action.trim().replace(/^"(.*)"$/, "$1") : undefined;
    if (platform.tuning.strictSoapAction && given !== soapActionFor(operation))
      return fault(
        new SoapFault(
          "Client",
          given === undefined
            ? `Не передан заголовок SOAPAction: нужен "${soapActionFor(operation)}"`
            : `SOAPAction «${given}» не соответствует методу ${operation}: нужен "${soapActionFor(operation)}"`,
        ),
      );
    if (platform.tuning.requireSoapHeaders) {
      const missing = ["client", "version"].filter((h) => !(h in call.soapHeaders));
      if (missing.length) return fault(new SoapFault("Client", `Нет SOAP-заголовков: ${missing.join(", ")}`));
    }

    const at = platform.failures.findIndex((f) => f.operation === undefined || f.operation === operation);
    const failure = at >= 0 ? platform.failures.splice(at, 1)[0] : undefined;
    if (failure) call.outcome = "injected";
    if (failure?.kind === "drop") {
      platform.recordCall(call);
      return void req.socket.destroy();
    }
    if (failure?.kind === "500") {
      platform.recordCall(call);
      return send(res, 500, TEXT_TYPE, "500 Internal Server Error");
    }
    if (failure?.kind === "fault") return fault(new SoapFault("Server", "Внутренняя ошибка сервиса, повторите позже"));
    if (failure?.kind === "delay") await wait(failure.delayMs, res);
    // The client gave up during the delay: nothing is done, as with a real timeout before the server got to work.
    if (res.destroyed) return platform.recordCall(call);

    const token = text(op, "token");
    call.token = token;
    if (!token) return fault(new SoapFault("Client", "Не передан token"));
    const ts = platform.tokenState(token);
    if (!ts) return fault(new SoapFault("Client", "Неверный токен: токен не найден"));
    const lenient = operation === "testHeaderSignature" && !platform.tuning.strictTestSignature;
    let check: SignatureCheck;
    if (!ts.key) check = { ok: false, reason: "для токена не загружен открытый ключ (профиль в кабинете PimPay)" };
    else {
      const header = req.headers[SIGNATURE_HEADER];
      check = checkSignature(raw, Array.isArray(header) ? header[0] : header, ts.key.key, platform.tuning.digests);
    }
    call.signature = check;
    if (!check.ok && !lenient) return fault(new SoapFault("Client", `Подпись не принята: ${check.reason}`));
    try {
      const parts = platform.call(operation, ts, op, check.ok);
      platform.recordCall(call);
      send(res, 200, XML_TYPE, answerEnvelope(namespace, operation, parts));
    } catch (e) {
      if (e instanceof SoapFault) return fault(e);
      throw e;
    }
  }

  const info = () => ({
    url,
    endpoint: `${base()}${SOAP_PATH}`,
    wsdlUrl: `${base()}${WSDL_PATH}`,
    namespace,
    demoToken: platform.demoToken,
    operations: OPERATIONS,
    soapActions: Object.fromEntries(OPERATIONS.map((o) => [o, soapActionFor(o)])),
    tuning: platform.tuning,
    tokens: [...platform.tokens.values()].map((t) => platform.tokenView(t)),
    pendingFailures: platform.failures,
  });

  const str = (v: unknown) => (v === undefined || v === null || v === "" ? undefined : String(v));
  const controls: { method: "GET" | "POST"; path: string; run(input: Record<string, unknown>): unknown }[] = [
    { method: "GET", path: "/_control/info", run: info },
    { method: "GET", path: "/_control/tokens", run: () => info().tokens },
    {
      method: "POST",
      path: "/_control/tokens",
      run: (i) => platform.registerToken(str(i.token), str(i.publicKeyPem)),
    },
    { method: "POST", path: "/_control/tokens/remove-key", run: (i) => platform.removeKey(String(i.token ?? "")) },
    { method: "GET", path: "/_control/clients", run: (i) => platform.clientsOf(i.token) },
    { method: "POST", path: "/_control/clients", run: (i) => platform.upsertClientByControl(i) },
    {
      method: "GET",
      path: "/_control/orders",
      run: (i) => platform.ordersOf(i.token, { tin: str(i.tin), id: str(i.id) }),
    },
    {
      method: "GET",
      path: "/_control/states",
      run: (i) =>
        platform.stateLog.filter(
          (s) => (!i.token || s.token === i.token) && (!i.tin || s.tin === i.tin) && (!i.id || s.id === String(i.id)),
        ),
    },
    { method: "GET", path: "/_control/verifications", run: (i) => platform.verificationsOf(i.token) },
    { method: "POST", path: "/_control/verifications/settle", run: (i) => platform.settleByControl(i) },
    { method: "GET", path: "/_control/calls", run: () => platform.calls },
    {
      method: "POST",
      path: "/_control/fail-next",
      run: (i) => {
        const operation = str(i.operation) as Operation | undefined;
        failNext(Number(i.count ?? 1), String(i.kind) as FailureKind, {
          operation,
          delayMs: i.delayMs === undefined ? undefined : Number(i.delayMs),
        });
        return { pending: platform.failures };
      },
    },
    {
      method: "POST",
      path: "/_control/configure",
      run: (i) => ({ tuning: platform.configure(i as Partial<PimPayStandInTuning>) }),
    },
    {
      method: "POST",
      path: "/_control/reset",
      run: (i) => (platform.reset(i.keepTokens === true), info()),
    },
  ];

  async function handleControl(req: IncomingMessage, res: ServerResponse, target: URL, raw: Buffer) {
    const json = (status: number, body: unknown) =>
      send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
    const control = controls.find((c) => c.method === req.method && c.path === target.pathname);
    if (!control) return json(404, { error: `Нет такой управляющей команды: ${req.method} ${target.pathname}` });
    // A GET's body is not read: its input is the query alone.
    const body = req.method === "POST" ? raw : Buffer.alloc(0);
    const answer = await answerControl(body, Object.fromEntries(target.searchParams), control.run);
    json(answer.status, answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? "/", "http://stand-in");
    const path = target.pathname.replace(/\/+$/, "");
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === "too-large") return send(res, 413, TEXT_TYPE, `Тело запроса больше ${MAX_BODY_BYTES} байт`);
    if (path.startsWith("/_control/")) return handleControl(req, res, new URL(path + target.search, target), raw);
    if (path === WSDL_PATH && req.method === "GET")
      return send(res, 200, XML_TYPE, standInWsdl(namespace, `${base()}${SOAP_PATH}`));
    if (path === SOAP_PATH && req.method === "GET" && target.searchParams.has("wsdl"))
      return send(res, 200, XML_TYPE, standInWsdl(namespace, `${base()}${SOAP_PATH}`));
    if (path === SOAP_PATH && req.method === "POST") return handleSoap(req, res, raw);
    if (path === SOAP_PATH)
      return send(res, 405, TEXT_TYPE, "Нужен POST с SOAP-конвертом; описание: GET /v2_7/soap/wsdl");
    send(res, 404, TEXT_TYPE, `Нет такого адреса: ${req.method} ${target.pathname}`);
  }

  const server = createStandInServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error("PimPay stand-in:", e);
      if (!res.headersSent)
        send(res, 500, XML_TYPE, faultEnvelope(namespace, new SoapFault("Server", "Внутренняя ошибка сервера")));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    endpoint: `${base()}${SOAP_PATH}`,
    wsdlUrl: `${base()}${WSDL_PATH}`,
    namespace,
    demoToken: platform.demoToken,
    platform,
    async close() {
      for (const done of timers) done();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    registerToken: (token, pem) => platform.registerToken(token, pem),
    createClient: (input) => platform.upsertClientByControl(input as unknown as Record<string, unknown>),
    orders: (filter = {}) => platform.ordersOf(filter.token, filter),
    verifications: (token) => platform.verificationsOf(token),
    settleVerifications: (input = {}) => platform.settleByControl(input),
    failNext,
    configure: (patch) => platform.configure(patch),
    reset: (keepTokens = false) => platform.reset(keepTokens),
    calls: () => platform.calls,
  };
}
