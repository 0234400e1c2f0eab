import { PartnerError } from "../errors";
import { httpRequest, partnerText, UnreachableError, type HttpResponse } from "../http";
import { memoryTokenCache } from "../token-cache";
import type { ExchangeOptions, IssuedToken, TokenCache } from "../types";
import { buildTokenRequest, cdekBaseUrl, cdekErrors, parseTokenResponse } from "./mappers";
import type { CdekSettings } from "./settings";

export interface CdekAnswer {
  status: number;
  json: unknown;
  response: HttpResponse;
}

/** CDEK guarantees 200 requests/s per client (cdek-v2.md §1); this process keeps well under it per integration. */
const MAX_IN_FLIGHT = 40;
const inFlight = new Map<number, { running: number; queue: (() => void)[] }>();

async function slot<T>(integrationId: number, run: () => Promise<T>): Promise<T> {
  let s = inFlight.get(integrationId);
  if (!s) inFlight.set(integrationId, (s = { running: 0, queue: [] }));
  const gate = s;
  if (gate.running >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => gate.queue.push(resolve));
  gate.running++;
  try {
    return await run();
  } finally {
    gate.running--;
    gate.queue.shift()?.();
  }
}

/**
 * One CDEK account as the hub talks to it: the shared token (obtained once for all workers, replaced once when CDEK
 * refuses it), Russian failure reasons classified for the engine, and a cap on parallel calls. Never logs the token.
 */
export class CdekApi {
  private readonly base: string;
  private readonly tokens: TokenCache;

  constructor(
    private readonly settings: CdekSettings,
    private readonly options: ExchangeOptions,
  ) {
    this.base = cdekBaseUrl(settings);
    this.tokens = options.tokens ?? memoryTokenCache();
  }

  /** `what` names the call in Russian for messages («создание заказа»). */
  async call(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    accept = "application/json",
  ): Promise<CdekAnswer> {
    let token = await this.tokens.get(() => this.obtainToken());
    let res = await this.send(method, path, what, token, body, accept);
    if (res.status === 401) {
      token = await this.tokens.get(() => this.obtainToken(), token);
      res = await this.send(method, path, what, token, body, accept);
      if (res.status === 401) throw new PartnerError("auth", `СДЭК не принял ключ доступа (${what}): HTTP 401`);
    }
    if (res.status === 429) {
      throw new PartnerError("transient", `СДЭК ограничил частоту запросов (${what}), повторим позже`);
    }
    if (res.status >= 500) throw new PartnerError("transient", `СДЭК ответил ошибкой HTTP ${res.status} (${what})`);
    if (res.status === 403) throw new PartnerError("auth", `СДЭК запретил доступ (${what}): ${this.errorText(res)}`);
    let json: unknown = null;
    if (/json/i.test(res.contentType) || /^\s*[[{]/.test(res.text)) {
      try {
        json = JSON.parse(res.text);
      } catch {
        throw new PartnerError("transient", `СДЭК прислал непонятный ответ (${what}), HTTP ${res.status}`);
      }
    }
    return { status: res.status, json, response: res };
  }

  /** The partner's own words from an error answer (first error's message and code). */
  errorText(res: HttpResponse): string {
    try {
      const errors = cdekErrors(JSON.parse(res.text));
      if (errors.length) return errors.map((e) => `${partnerText(e.message)} (${e.code})`).join("; ");
    } catch {
      // not JSON: the status says it
    }
    return `HTTP ${res.status}`;
  }

  private async send(method: string, path: string, what: string, token: string, body: unknown, accept: string) {
    const url = `${this.base}${path}`;
    try {
      return await slot(this.options.integrationId, () =>
        httpRequest(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          timeoutMs: this.options.timeoutMs,
        }),
      );
    } catch (e) {
      if (e instanceof UnreachableError)
        throw new PartnerError(e.refused ? "auth" : "transient", `${e.message} (${what})`);
      throw e;
    }
  }

  private async obtainToken(): Promise<IssuedToken> {
    const url = `${this.base}/v2/oauth/token`;
    let res: HttpResponse;
    try {
      res = await httpRequest(url, {
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: buildTokenRequest(this.settings.account, this.settings.securePassword),
        timeoutMs: this.options.timeoutMs,
      });
    } catch (e) {
      if (e instanceof UnreachableError) throw new PartnerError(e.refused ? "auth" : "transient", e.message);
      throw e;
    }
    if (res.status === 429 || res.status >= 500) {
      throw new PartnerError("transient", `СДЭК не выдал ключ доступа: HTTP ${res.status}`);
    }
    const answer = parseTokenResponse(res.status, res.text);
    if (answer.ok === true) return { token: answer.accessToken, expiresInSec: answer.expiresIn ?? 3600 };
    if (answer.ok === false) {
      const why = answer.description ? `${partnerText(answer.description)} (${answer.error})` : answer.error;
      throw new PartnerError("auth", `СДЭК отклонил ключи интеграции: ${why}`);
    }
    throw new PartnerError("transient", `СДЭК прислал непонятный ответ на запрос ключа доступа (${answer.detail})`);
  }
}
