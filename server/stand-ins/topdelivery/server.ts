import { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_NAMESPACE,
  DEFAULT_PRINT_NAMESPACE,
  type Operation,
  PRINT_GATE_PATH,
  PRINT_OPERATIONS,
  REPORT_FILES_PATH,
  WEBSHOP_GATE_PATH,
  WEBSHOP_OPERATIONS,
} from "./reference";
import { answerEnvelope, faultEnvelope, parseEnvelope, SoapFault, type SoapRequest } from "./soap";
import { ControlError, TopDeliveryPartner } from "./state";
import type {
  FailureKind,
  SetStatusInput,
  StandInCounters,
  TopDeliveryOrderView,
  TopDeliveryStandInOptions,
  TopDeliveryStandInState,
  TopDeliveryStandInTuning,
} from "./types";
import { printWsdl, soapActionFor, webshopWsdl } from "./wsdl";
import { answerControl, createStandInServer, readBody } from "../shared/process";

export type * from "./types";
export { DEMO_ACCOUNT, DEMO_GATE_USER } from "./state";
export { ORDER_RESULT_STATUS, REQUEST_STATUS } from "./reference";
export type { Operation } from "./reference";

/**
 * The TopDelivery SOAP stand-in: the webshop gate w/2.0 (`/api/soap/w/2.0/`) and the print gate print/2.0
 * (`/api/soap/print/2.0/`), each with its own WSDL at `GET <gate>?wsdl`, in namespaces of its own.
 */
export interface TopDeliveryStandIn {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `<url>/api/soap/w/2.0/?wsdl`: the webshop gate's WSDL (its soap:address is the gate's endpoint). */
  wsdlUrl: string;
  /** `<url>/api/soap/print/2.0/?wsdl`: the print gate's WSDL. */
  printWsdlUrl: string;
  namespace: string;
  printNamespace: string;
  /** SOAPAction of every operation, as the WSDLs give them. */
  soapActions: Record<Operation, string>;
  /** The live in-memory state, for inspection. */
  state: TopDeliveryStandInState;
  /** Counters since the start or the last `resetCounters()`. */
  readonly counters: StandInCounters;
  close(): Promise<void>;
  /** TopDelivery moves an order on (by orderId, barcode or webshopNumber); an event is appended. */
  setStatus(input: SetStatusInput): TopDeliveryOrderView;
  /** Every unfinished order takes `steps` steps along new → in work → … → final; returns the number of moves. */
  advance(steps?: number): number;
  orders(): TopDeliveryOrderView[];
  /** The next `count` SOAP requests (only those for `operation`, when given) fail this way. */
  failNext(count: number, kind: FailureKind, operation?: Operation): void;
  /** Changes the rate limit, delays and the automatic status advance while running. */
  configure(
    patch: Partial<Omit<TopDeliveryStandInTuning, "answerDelayMs">> & { answerDelayMs?: number | [number, number] },
  ): TopDeliveryStandInTuning;
  resetCounters(): void;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const XML_TYPE = "text/xml; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
const FAILURE_KINDS: FailureKind[] = ["500", "drop", "drop-after"];
const ALL_OPERATIONS: readonly Operation[] = [...WEBSHOP_OPERATIONS, ...PRINT_OPERATIONS];

interface Gate {
  path: string;
  namespace: string;
  operations: readonly Operation[];
  wsdl(): string;
}

/** Requests of one Basic user in the last second: admitted ones (the limit) and all of them (the peak figure). */
class UserWindow {
  private readonly admitted: number[] = [];
  private readonly all: number[] = [];
  /** Records an attempt; returns whether it fits under `limit` and how many attempts the last second saw. */
  attempt(limit: number, now = Date.now()): { ok: boolean; seen: number } {
    for (const list of [this.admitted, this.all]) while (list.length && list[0]! <= now - 1000) list.shift();
    this.all.push(now);
    const ok = this.admitted.length < limit;
    if (ok) this.admitted.push(now);
    return { ok, seen: this.all.length };
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers = {}) {
  const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  res.writeHead(status, { "content-type": type, "content-length": buf.length, ...headers }).end(buf);
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** Starts the TopDelivery stand-in on 127.0.0.1. */
export async function startTopDeliveryStandIn(options: TopDeliveryStandInOptions = {}): Promise<TopDeliveryStandIn> {
  let url = "";
  const base = () => options.publicUrl?.replace(/\/+$/, "") ?? url;
  const partner = new TopDeliveryPartner(options, base);
  const state = partner.state;
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const printNamespace = options.printNamespace ?? DEFAULT_PRINT_NAMESPACE;
  if (namespace === printNamespace) throw new ControlError(400, "namespace и printNamespace должны различаться");
  const gates: Gate[] = [
    {
      path: WEBSHOP_GATE_PATH,
      namespace,
      operations: WEBSHOP_OPERATIONS,
      wsdl: () => webshopWsdl(namespace, `${base()}${WEBSHOP_GATE_PATH}`),
    },
    {
      path: PRINT_GATE_PATH,
      namespace: printNamespace,
      operations: PRINT_OPERATIONS,
      wsdl: () => printWsdl(printNamespace, `${base()}${PRINT_GATE_PATH}`),
    },
  ];
  const nsOf = (op: Operation) => ((WEBSHOP_OPERATIONS as readonly string[]).includes(op) ? namespace : printNamespace);
  const soapActions = Object.fromEntries(ALL_OPERATIONS.map((op) => [op, soapActionFor(nsOf(op), op)])) as Record<
    Operation,
    string
  >;
  const windows = new Map<string, UserWindow>();

  function failNext(count: number, kind: FailureKind, operation?: Operation) {
    if (!Number.isInteger(count) || count < 0) throw new ControlError(400, "count: нужно целое число ≥ 0");
    if (!FAILURE_KINDS.includes(kind)) throw new ControlError(400, `kind: нужен один из ${FAILURE_KINDS.join(", ")}`);
    if (operation !== undefined && !ALL_OPERATIONS.includes(operation))
      throw new ControlError(400, `operation: нужна одна из ${ALL_OPERATIONS.join(", ")}`);
    for (let i = 0; i < count; i++) state.failures.push({ kind, operation });
  }

  function sendFault(res: ServerResponse, fault: SoapFault, headers = {}) {
    state.counters.faults++;
    send(res, fault.httpStatus, XML_TYPE, faultEnvelope(fault), headers);
  }

  async function handleSoap(gate: Gate, req: IncomingMessage, res: ServerResponse, raw: Buffer) {
    const counters = state.counters;
    const user = partner.gateUser(req.headers.authorization);
    if (user === undefined) {
      counters.unauthorized++;
      return send(res, 401, TEXT_TYPE, "Неверный логин или пароль шлюза (HTTP Basic)", {
        "www-authenticate": 'Basic realm="TopDelivery SOAP gate (stand-in)", charset="UTF-8"',
      });
    }
    let window = windows.get(user);
    if (!window) windows.set(user, (window = new UserWindow()));
    const limit = state.tuning.rateLimitRps;
    const { ok, seen } = window.attempt(limit);
    counters.peakRps = Math.max(counters.peakRps, seen);
    if (!ok) {
      counters.rateLimited++;
      return sendFault(
        res,
        new SoapFault("Client.RateLimitExceeded", `Превышен лимит запросов: не больше ${limit} в секунду`, 429, {
          rateLimitRps: String(limit),
        }),
        { "retry-after": "1" },
      );
    }

    let request: SoapRequest;
    try {
      request = parseEnvelope(raw.toString("utf8"));
    } catch (e) {
      counters.requests["(не SOAP)"] = (counters.requests["(не SOAP)"] ?? 0) + 1;
      if (e instanceof SoapFault) return sendFault(res, e);
      throw e;
    }
    const known = request.namespace === gate.namespace && gate.operations.includes(request.operation as Operation);
    const key = known ? request.operation : `{${request.namespace}}${request.operation}`;
    counters.requests[key] = (counters.requests[key] ?? 0) + 1;
    if (!known)
      return sendFault(
        res,
        new SoapFault("Client", `Операция {${request.namespace}}${request.operation} не описана в WSDL этого шлюза`),
      );
    const operation = request.operation as Operation;
    const action = req.headers.soapaction;
    const given = typeof action === "string" ? action.trim().replace(/^"(.*)"$/, "$1") : undefined;
    if (state.tuning.strictSoapAction && given !== soapActions[operation])
      return sendFault(
        res,
        new SoapFault(
          "Client",
          given === undefined
            ? "Не передан заголовок SOAPAction: возьмите его значение для операции из WSDL"
            : `SOAPAction «${given}» не соответствует операции ${operation}: возьмите значение из WSDL`,
        ),
      );

    const at = state.failures.findIndex((f) => f.operation === undefined || f.operation === operation);
    const failure = at >= 0 ? state.failures.splice(at, 1)[0]!.kind : undefined;
    if (failure) counters.injectedFailures++;
    if (failure === "drop") return void req.socket.destroy();
    if (failure === "500")
      return sendFault(res, new SoapFault("Server", "Внутренняя ошибка сервера, повторите запрос позже"));

    const [min, max] = state.tuning.answerDelayMs;
    await sleep(min + Math.random() * (max - min));
    const answer = partner.call(operation, request.params);
    if (failure === "drop-after") return void req.socket.destroy();
    send(res, 200, XML_TYPE, answerEnvelope(gate.namespace, `${operation}Response`, answer));
  }

  const controls = controlRoutes(partner, failNext, () => ({
    url,
    wsdlUrl: `${base()}${WEBSHOP_GATE_PATH}?wsdl`,
    printWsdlUrl: `${base()}${PRINT_GATE_PATH}?wsdl`,
    namespace,
    printNamespace,
    soapActions,
  }));

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string, raw: Buffer) {
    const control = controls.find((c) => c.method === req.method && c.path === path);
    const json = (status: number, body: unknown) =>
      send(res, status, "application/json; charset=utf-8", JSON.stringify(body));
    if (!control) return json(404, { error: `Нет такой управляющей команды: ${req.method} ${path}` });
    const answer = await answerControl(raw, {}, control.run);
    json(answer.status, answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = new URL(req.url ?? "/", "http://stand-in");
    const path = target.pathname;
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === "too-large") return send(res, 413, TEXT_TYPE, `Тело запроса больше ${MAX_BODY_BYTES} байт`);
    if (path.startsWith("/_control/")) return handleControl(req, res, path, raw);
    const gate = gates.find((g) => path === g.path || path === g.path.replace(/\/$/, ""));
    if (gate && req.method === "GET" && [...target.searchParams.keys()].some((k) => k.toLowerCase() === "wsdl")) {
      state.counters.wsdlRequests++;
      return send(res, 200, XML_TYPE, gate.wsdl());
    }
    if (gate && req.method === "POST") return handleSoap(gate, req, res, raw);
    if (gate)
      return send(res, 405, TEXT_TYPE, "Шлюз принимает POST с SOAP-конвертом; описание: GET ?wsdl", {
        allow: "GET, POST",
      });
    const report =
      req.method === "GET" && path.startsWith(REPORT_FILES_PATH)
        ? /^([0-9a-f-]{36})\.pdf$/.exec(path.slice(REPORT_FILES_PATH.length))
        : null;
    if (report) {
      const pdf = partner.report(report[1]!);
      if (!pdf) return send(res, 404, TEXT_TYPE, "Печатная форма не найдена");
      state.counters.reportDownloads++;
      return send(res, 200, "application/pdf", pdf);
    }
    send(res, 404, TEXT_TYPE, `Нет такого адреса: ${req.method} ${path}`);
  }

  const server = createStandInServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error("TopDelivery stand-in:", e);
      if (!res.headersSent) sendFault(res, new SoapFault("Server", "Внутренняя ошибка сервера"));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    wsdlUrl: `${base()}${WEBSHOP_GATE_PATH}?wsdl`,
    printWsdlUrl: `${base()}${PRINT_GATE_PATH}?wsdl`,
    namespace,
    printNamespace,
    soapActions,
    state,
    get counters() {
      return state.counters;
    },
    async close() {
      partner.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    setStatus: (input) => partner.setStatus(input),
    advance: (steps) => partner.advance(steps),
    orders: () => partner.orders(),
    failNext,
    configure: (patch) => partner.configure(patch),
    resetCounters: () => partner.resetCounters(),
  };
}

interface Control {
  method: "GET" | "POST";
  path: string;
  run(input: Record<string, unknown>): unknown;
}

/** `/_control/…`: the same calls over HTTP for the demo and other processes; bodies are the methods' arguments. */
function controlRoutes(
  partner: TopDeliveryPartner,
  failNext: (count: number, kind: FailureKind, operation?: Operation) => void,
  info: () => unknown,
): Control[] {
  return [
    { method: "GET", path: "/_control/info", run: info },
    { method: "GET", path: "/_control/counters", run: () => partner.state.counters },
    { method: "POST", path: "/_control/counters/reset", run: () => (partner.resetCounters(), {}) },
    { method: "GET", path: "/_control/orders", run: () => partner.orders() },
    {
      method: "POST",
      path: "/_control/orders/status",
      run: (input) => partner.setStatus(input as unknown as SetStatusInput),
    },
    {
      method: "POST",
      path: "/_control/advance",
      run: (input) => ({ moves: partner.advance(input.steps === undefined ? 1 : Number(input.steps)) }),
    },
    {
      method: "POST",
      path: "/_control/fail-next",
      run: (input) => {
        const operation = input.operation === undefined ? undefined : (String(input.operation) as Operation);
        failNext(Number(input.count ?? 1), String(input.kind) as FailureKind, operation);
        return { pending: partner.state.failures.length };
      },
    },
    {
      method: "POST",
      path: "/_control/configure",
      run: (input) => ({ tuning: partner.configure(input as Partial<TopDeliveryStandInTuning>) }),
    },
  ];
}
