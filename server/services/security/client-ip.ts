import { isIP } from "node:net";

/**
 * The one way every sign-in door learns the caller's address. `next start` only fills `X-Forwarded-For` with the
 * socket address when the client sent none (base-server: `??=`, never appended), so a client-sent header would be
 * taken as is. The instrumentation hook therefore stamps each request with the socket address under a per-process
 * token (peer-stamp.ts); entries of `X-Forwarded-For` are believed only as far as TRUSTED_PROXY_HOPS proxies go.
 */
export const PEER_HEADER = "x-kurier-peer";

type HeaderSource = Headers | Record<string, unknown> | undefined | null;

const tokenHolder = globalThis as unknown as { __kurierPeerToken?: string };

export function peerToken(): string | undefined {
  return tokenHolder.__kurierPeerToken;
}

export function setPeerToken(token: string) {
  tokenHolder.__kurierPeerToken = token;
}

/** TRUSTED_PROXY_HOPS: how many proxies in front of the app append to X-Forwarded-For (default 0: none, ignore it). */
export function trustedProxyHops(): number {
  const n = Number(process.env.TRUSTED_PROXY_HOPS ?? 0);
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, unknown>)[name];
  if (Array.isArray(v)) return v.join(",");
  return typeof v === "string" ? v : undefined;
}

/** The socket address and scheme stamped by this process, or undefined when the stamp is missing or forged. */
function stampedPeer(headers: HeaderSource): { address: string; proto: string } | undefined {
  const token = peerToken();
  const value = header(headers, PEER_HEADER);
  if (!token || !value) return undefined;
  const [t, address, proto] = value.split(" ");
  return t === token && address ? { address, proto: proto ?? "http" } : undefined;
}

/** Canonical form of one address ("::ffff:1.2.3.4" → "1.2.3.4", ports and brackets dropped); "invalid" for junk. */
export function normalizeIp(raw: string): string {
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  s = s.replace(/%.*$/, "").toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) s = mapped[1]!;
  return isIP(s) ? s : "invalid";
}

/**
 * The client address: with N trusted hops, the entry N+1 from the right of [X-Forwarded-For…, socket]. Without a
 * stamp (tests, a request that arrived while the server was still starting) the socket entry is unknown: with no
 * trusted proxy such a request is one shared "unverified" caller, so a forged header never buys a fresh address.
 */
export function clientIp(headers: HeaderSource, hops = trustedProxyHops()): string {
  const peer = stampedPeer(headers);
  const forwarded = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const chain = peer ? [...forwarded, peer.address] : forwarded;
  const skip = peer ? hops : hops - 1;
  if (skip < 0) return peerToken() ? "unverified" : chain.length ? normalizeIp(chain.at(-1)!) : "unknown";
  const picked = chain[Math.max(0, chain.length - 1 - skip)];
  return picked ? normalizeIp(picked) : "unknown";
}

/** Whether the browser reached us over https: the socket itself, or what a trusted proxy says it saw. */
export function requestIsHttps(headers: HeaderSource, hops = trustedProxyHops()): boolean {
  const peer = stampedPeer(headers);
  if (hops === 0 && peer) return peer.proto === "https";
  const proto = (header(headers, "x-forwarded-proto") ?? "").split(",").at(-1)?.trim().toLowerCase();
  return proto === "https";
}

/** The bucket an address is throttled in: one IPv4 address, or the /64 an IPv6 host can rotate freely inside. */
export function networkOf(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const [head = "", tail] = ip.split("::");
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  // "::" stands for as many zero groups as the two sides leave of eight.
  const zeros = tail === undefined ? 0 : 8 - groups(head).length - groups(tail).length;
  const full = [...groups(head), ...Array<string>(zeros).fill("0"), ...groups(tail)];
  return `${full
    .slice(0, 4)
    .map((h) => h.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
