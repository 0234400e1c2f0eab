import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { Queryable } from "@/db/client";
import { createTenant } from "@/db/test/factories";
import { withTestTransaction } from "@/db/test/helpers";
import { authenticate } from "../auth/authenticate";
import { authOptionsFor } from "@/server/auth";
import { clientIp, PEER_HEADER, requestIsHttps } from "../security/client-ip";
import { installPeerStamp } from "../security/peer-stamp";
import { THROTTLE } from "../security/throttle";

installPeerStamp();

/** A bare HTTP server standing in for `next start`: each request signs in with the address clientIp picks. */
type Post = (xff: string, body: object) => Promise<string>;

async function withSignInServer(db: Queryable, hops: number, fn: (post: Post) => Promise<void>) {
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const ip = clientIp(req.headers, hops);
      authenticate(db, JSON.parse(raw), ip).then(
        () => res.end(`ok ${ip}`),
        (e: { code?: string }) => res.end(`${e.code ?? "ERROR"} ${ip}`),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const post: Post = async (xff, body) => {
    const headers = { "x-forwarded-for": xff };
    return (await fetch(`http://127.0.0.1:${port}/`, { method: "POST", headers, body: JSON.stringify(body) })).text();
  };
  try {
    await fn(post);
  } finally {
    await new Promise((r) => server.close(r));
  }
}

describe("client IP", () => {
  it("with 0 trusted hops a fresh X-Forwarded-For per try does not escape the limit", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const creds = { extra: t.company.extraCode, login: t.staff.login };
      await withSignInServer(tx, 0, async (post) => {
        const answers: string[] = [];
        for (let i = 0; i < 12; i++) answers.push(await post(`10.0.${i}.${i + 1}`, { ...creds, password: `g${i}` }));
        expect(answers.every((a) => a.endsWith(" 127.0.0.1"))).toBe(true);
        expect(answers.filter((a) => a.startsWith("UNAUTHORIZED"))).toHaveLength(THROTTLE.pairLimit);
        expect(await post("203.0.113.1", { ...creds, password: "secret" })).toBe("TOO_MANY_REQUESTS 127.0.0.1");
      });
    }));

  it("with 1 trusted hop the proxy's entry is honoured (and what the client wrote before it is not)", () =>
    withTestTransaction(async (tx) => {
      const t = await createTenant(tx);
      const creds = { extra: t.company.extraCode, login: t.staff.login };
      await withSignInServer(tx, 1, async (post) => {
        // The proxy appends the address it saw; anything to its left came from the client.
        const wrong = { ...creds, password: "x" };
        for (let i = 0; i < THROTTLE.pairLimit; i++) await post(`1.1.1.${i}, 198.51.100.7`, wrong);
        const right = { ...creds, password: "secret" };
        expect(await post("9.9.9.9, 198.51.100.7", right)).toBe("TOO_MANY_REQUESTS 198.51.100.7");
        expect(await post("198.51.100.7, 203.0.113.8", right)).toBe("ok 203.0.113.8");
      });
    }));

  it("picks the entry N+1 from the right of [X-Forwarded-For…, socket]; a forged stamp is ignored", () => {
    const stamped = (xff: string) => {
      const headers: Record<string, string> = { "x-forwarded-for": xff };
      // Stamp through a real request object, as the server does.
      const req = new http.IncomingMessage(null as never);
      Object.assign(req, { headers, socket: { remoteAddress: "::ffff:10.0.0.9" } });
      (http.Server.prototype.emit as (...a: unknown[]) => boolean).call(new http.Server(), "request", req, {});
      return req.headers;
    };
    expect(clientIp(stamped("6.6.6.6"), 0)).toBe("10.0.0.9");
    expect(clientIp(stamped("6.6.6.6, 7.7.7.7"), 1)).toBe("7.7.7.7");
    expect(clientIp(stamped("6.6.6.6, 7.7.7.7"), 2)).toBe("6.6.6.6");
    expect(clientIp(stamped("7.7.7.7"), 5)).toBe("7.7.7.7");
    expect(clientIp(stamped("not-an-ip"), 1)).toBe("invalid");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6", [PEER_HEADER]: "guessed 1.2.3.4 http" }, 0)).toBe("unverified");
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6, 7.7.7.7" }), 1)).toBe("7.7.7.7");
  });

  it("session cookies are Secure behind https: the trusted proxy's X-Forwarded-Proto or PUBLIC_URL, never the client's word", () => {
    const stamped = (extra: Record<string, string>) => {
      const req = new http.IncomingMessage(null as never);
      Object.assign(req, { headers: { ...extra }, socket: { remoteAddress: "10.0.0.9" } });
      (http.Server.prototype.emit as (...a: unknown[]) => boolean).call(new http.Server(), "request", req, {});
      return req.headers;
    };
    const viaProxy = stamped({ "x-forwarded-for": "6.6.6.6", "x-forwarded-proto": "https" });
    // A client talking plain http straight to us may write any X-Forwarded-Proto: with 0 hops it is not believed.
    expect(requestIsHttps(viaProxy, 0)).toBe(false);
    expect(requestIsHttps(viaProxy, 1)).toBe(true);
    expect(requestIsHttps(stamped({ "x-forwarded-proto": "http" }), 1)).toBe(false);

    const saved = { hops: process.env.TRUSTED_PROXY_HOPS, pub: process.env.PUBLIC_URL, auth: process.env.NEXTAUTH_URL };
    try {
      delete process.env.PUBLIC_URL;
      delete process.env.NEXTAUTH_URL;
      process.env.TRUSTED_PROXY_HOPS = "1";
      expect(authOptionsFor(viaProxy).useSecureCookies).toBe(true);
      expect(authOptionsFor(stamped({})).useSecureCookies).toBe(false);
      process.env.TRUSTED_PROXY_HOPS = "0";
      expect(authOptionsFor(viaProxy).useSecureCookies).toBe(false);
      process.env.PUBLIC_URL = "https://cabinet.example.ru";
      expect(authOptionsFor(stamped({})).useSecureCookies).toBe(true);
    } finally {
      for (const [k, v] of [
        ["TRUSTED_PROXY_HOPS", saved.hops],
        ["PUBLIC_URL", saved.pub],
        ["NEXTAUTH_URL", saved.auth],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});
