import { request as httpRequestRaw } from "node:http";
import { request as httpsRequest } from "node:https";
import { effectivePort, guardedLookup, REFUSED_MESSAGE, refusalFor } from "./address-policy";
import type { ProbeResult } from "./types";

/** A request that got no usable answer; the message is Russian and names the cause. */
export class UnreachableError extends Error {
  constructor(
    message: string,
    /** The address policy refused the target: no retry will help until the settings or the allow-list change. */
    readonly refused = false,
  ) {
    super(message);
    this.name = "UnreachableError";
  }
}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: "соединение отклонено — по этому адресу и порту никто не принимает подключения",
  ENOTFOUND: "такой адрес не найден (DNS)",
  EAI_AGAIN: "DNS не ответил, попробуйте позже",
  ECONNRESET: "соединение оборвано сервером",
  EPIPE: "соединение оборвано сервером",
  ETIMEDOUT: "соединение не установлено за отведённое время",
  EHOSTUNREACH: "хост недоступен",
  ENETUNREACH: "сеть недоступна",
  UND_ERR_CONNECT_TIMEOUT: "соединение не установлено за отведённое время",
  UND_ERR_SOCKET: "соединение оборвано сервером",
  CERT_HAS_EXPIRED: "сертификат сервера просрочен",
  DEPTH_ZERO_SELF_SIGNED_CERT: "сертификат сервера самоподписанный",
  SELF_SIGNED_CERT_IN_CHAIN: "сертификат сервера не заверен доверенным центром",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "сертификат сервера не удалось проверить",
  ERR_TLS_CERT_ALTNAME_INVALID: "сертификат выдан на другое имя",
};

function describeCause(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const c = cur as { code?: string; message?: string; errors?: unknown[]; cause?: unknown };
    if (c.code && CAUSES[c.code]) return `${CAUSES[c.code]} (${c.code})`;
    if (c.code) parts.push(c.code);
    cur = c.cause ?? c.errors?.[0];
  }
  const last = parts.at(-1);
  return last ? `ошибка сети (${last})` : `ошибка сети (${e instanceof Error ? e.message : String(e)})`;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  text: string;
  /** The same answer as bytes, for files (print forms). */
  bytes: Uint8Array;
  /** Seconds the partner asks us to wait (`Retry-After`), when it says. */
  retryAfter?: string;
}

const MAX_REDIRECTS = 5;
/** No partner answer of ours comes near this; a bigger one is refused rather than held in memory. */
const MAX_RESPONSE_BYTES = 20 * 1024 * 1024;

interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/**
 * The one network primitive the integrators' clients use: a request with a hard deadline and Russian failure reasons.
 * Every hop (redirects included) goes through the address policy: IP literals before connecting, names as they
 * resolve (address-policy.ts), so an integration cannot reach the server's own network.
 */
export async function httpRequest(url: string, init: RequestInit): Promise<HttpResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new UnreachableError(`Некорректный адрес: ${url}`);
  }
  const signal = AbortSignal.timeout(init.timeoutMs);
  let method = init.method ?? "POST";
  let body = init.body;
  let headers = { ...init.headers };
  try {
    for (let hop = 0; ; hop++) {
      const refusal = refusalFor(target);
      if (refusal) throw new UnreachableError(hop === 0 ? refusal : `${refusal} (перенаправление)`, true);
      const res = await requestOnce(target, { method, headers, body, signal });
      const location = res.location;
      if (!REDIRECTS.has(res.status) || !location) return res;
      if (hop >= MAX_REDIRECTS) throw new UnreachableError(`Нет связи с ${target.host}: слишком много перенаправлений`);
      const next = new URL(location, target);
      // As fetch does: 303 (and 301/302 after a POST) continue as GET; credentials stay with their origin.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
      }
      if (next.origin !== target.origin) {
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
      }
      target = next;
    }
  } catch (e) {
    if (e instanceof UnreachableError) throw e;
    const host = target.host;
    if (hasCode(e, "EKH_REFUSED_TARGET")) throw new UnreachableError(REFUSED_MESSAGE, true);
    if (signal.aborted || (e as { name?: string }).name === "TimeoutError") {
      throw new UnreachableError(`Нет связи с ${host}: сервер не ответил за ${formatSeconds(init.timeoutMs)}`);
    }
    if (hasCode(e, "EKH_TOO_LARGE")) {
      throw new UnreachableError(`Нет связи с ${host}: ответ больше ${MAX_RESPONSE_BYTES / 1024 / 1024} МБ`);
    }
    throw new UnreachableError(`Нет связи с ${host}: ${describeCause(e)}`);
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function hasCode(e: unknown, code: string): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    if ((cur as { code?: unknown }).code === code) return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

function requestOnce(
  target: URL,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
): Promise<HttpResponse & { location?: string }> {
  return new Promise((resolve, reject) => {
    const payload = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
    const headers = payload ? { ...init.headers, "content-length": String(payload.length) } : init.headers;
    const send = target.protocol === "https:" ? httpsRequest : httpRequestRaw;
    // A fresh connection per request (agent: false): a pooled socket would skip the lookup and its check.
    const lookup = guardedLookup(effectivePort(target));
    const req = send(target, { method: init.method, headers, signal: init.signal, agent: false, lookup }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) req.destroy(Object.assign(new Error("too large"), { code: "EKH_TOO_LARGE" }));
        else chunks.push(c);
      });
      res.on("error", reject);
      res.on("end", () => {
        const location = res.headers.location;
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString("utf8");
        const retryAfter = res.headers["retry-after"];
        resolve({
          status: res.statusCode ?? 0,
          contentType: res.headers["content-type"] ?? "",
          text,
          bytes,
          location,
          ...(retryAfter ? { retryAfter } : {}),
        });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

function formatSeconds(ms: number) {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} с`;
}

/** Probes share this: transport failures become `unreachable`, anything else unexpected is reported, never thrown. */
export async function guardProbe(run: () => Promise<ProbeResult>): Promise<ProbeResult> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UnreachableError) return { status: "unreachable", message: e.message };
    // Parser messages can quote the answer, so they go to the log, not to the page.
    console.error("[integrations] probe failed unexpectedly", e);
    return { status: "error", message: "Не удалось проверить подключение: сервер прислал непонятный ответ" };
  }
}

export function basicAuth(login: string, password: string) {
  return `Basic ${Buffer.from(`${login}:${password}`, "utf8").toString("base64")}`;
}

// Kept here for the integrators' clients; pure, so the cabinet can use it from messages.ts too.
export { partnerText } from "./messages";
