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

/**
 * CDEK guarantees 200 requests/s per client (cdek-v2.md §1). Each process paces its calls per integration below that,
 * and calls that move orders (create, cancel, print) go before reads, so a burst of webhook read-backs never holds up
 * a hand-over. Several workers may still meet CDEK's limit together: a 429 waits and tries again.
 */
const REQUESTS_PER_SECOND = 180;
const MAX_IN_FLIGHT = 60;

type Priority = "write" | "read";

class RateGate {
  private nextAt = 0;
  private running = 0;
  private readonly waiting: Record<Priority, (() => void)[]> = { write: [], read: [] };
  private timer: NodeJS.Timeout | null = null;

  async run<T>(priority: Priority, call: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.waiting[priority].push(resolve);
      this.pump();
    });
    try {
      return await call();
    } finally {
      this.running--;
      this.pump();
    }
  }

  private pump() {
    if (this.timer) return;
    for (;;) {
      const next = this.waiting.write.length ? this.waiting.write : this.waiting.read;
      if (!next.length || this.running >= MAX_IN_FLIGHT) return;
      const wait = this.nextAt - Date.now();
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
        return;
      }
      this.nextAt = Math.max(this.nextAt, Date.now() - 50) + 1000 / REQUESTS_PER_SECOND;
      this.running++;
      next.shift()!();
    }
  }
}

const gates = new Map<number, RateGate>();
const gateOf = (integrationId: number) => {
  let g = gates.get(integrationId);
  if (!g) gates.set(integrationId, (g = new RateGate()));
  return g;
};

/** A 429 is tried again this many times, a little later each time, before the order waits for its retry. */
const RATE_LIMIT_RETRIES = 3;

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
    for (let retry = 1; res.status === 429 && retry <= RATE_LIMIT_RETRIES; retry++) {
      await new Promise((r) => setTimeout(r, 250 * retry + Math.random() * 250));
      res = await this.send(method, path, what, token, body, accept);
    }
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
      const priority: Priority = method === "GET" ? "read" : "write";
      return await gateOf(this.options.integrationId).run(priority, () =>
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
