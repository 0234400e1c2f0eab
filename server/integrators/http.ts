import type { ProbeResult } from "./types";

/** A request that got no usable answer; the message is Russian and names the cause. */
export class UnreachableError extends Error {
  constructor(message: string) {
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
}

/** The one network primitive the integrators' clients use: a request with a hard deadline and Russian failure reasons. */
export async function httpRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs: number }): Promise<HttpResponse> {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    throw new UnreachableError(`Некорректный адрес: ${url}`);
  }
  const signal = AbortSignal.timeout(init.timeoutMs);
  try {
    const res = await fetch(url, { method: init.method ?? "POST", headers: init.headers, body: init.body, signal, redirect: "follow" });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", text };
  } catch (e) {
    if (signal.aborted || (e as { name?: string }).name === "TimeoutError") {
      throw new UnreachableError(`Нет связи с ${host}: сервер не ответил за ${formatSeconds(init.timeoutMs)}`);
    }
    throw new UnreachableError(`Нет связи с ${host}: ${describeCause(e)}`);
  }
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
    return { status: "error", message: `Не удалось проверить подключение: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function basicAuth(login: string, password: string) {
  return `Basic ${Buffer.from(`${login}:${password}`, "utf8").toString("base64")}`;
}

/** First characters of an unexpected body, for an error message a person can act on. */
export function snippet(text: string, max = 120) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
