import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { BlockList, isIP } from "node:net";

/*
 * Which addresses an integration may talk to. A partner API is on the internet: loopback, private, link-local,
 * unique-local, unspecified, multicast and reserved targets are refused (staff must not turn «Проверить» into a port
 * scanner of the server's own network) unless the deployment lists them in INTEGRATION_ALLOWED_HOSTS
 * (comma-separated `host` or `host:port`, IPv6 as `[::1]:8080`), e.g. its own XML API or a partner on the LAN.
 */

export const REFUSED_MESSAGE = "Адрес недоступен: внутренние адреса запрещены";

/** A request to a target the policy refuses; `code` lets the transport recognise it inside wrapped errors. */
export class RefusedTargetError extends Error {
  readonly code = "EKH_REFUSED_TARGET";
  constructor(readonly host: string) {
    super(`${REFUSED_MESSAGE} (${host})`);
    this.name = "RefusedTargetError";
  }
}

const internal = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8], // unspecified, «this network»
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  internal.addSubnet(net, bits, "ipv4");
}
for (const [net, bits] of [
  ["::", 128], // unspecified
  ["::1", 128],
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["fc00::", 7], // unique local
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard
] as const) {
  internal.addSubnet(net, bits, "ipv6");
}

/** The 16 bytes of an IPv6 address (as accepted by net.isIP), or undefined. */
function ipv6Bytes(address: string): number[] | undefined {
  let s = address.toLowerCase().split("%")[0]!;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    tail.push(...dotted[1]!.split(".").map(Number));
    s = s.slice(0, -dotted[1]!.length) + "0:0";
  }
  const [head, rest] = s.split("::") as [string, string | undefined];
  const groups = (part: string) => (part ? part.split(":").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? h : [...h, ...Array<number>(8 - h.length - r.length).fill(0), ...r];
  if (all.length !== 8 || all.some((g) => !(g >= 0 && g <= 0xffff))) return undefined;
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), to be judged as that IPv4 address. */
function embeddedIpv4(bytes: number[]): string | undefined {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const v4 = (at: number) => bytes.slice(at, at + 4).join(".");
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return v4(12); // ::ffff:a.b.c.d
  if (zero(0, 12) && !zero(12, 16)) return v4(12); // ::a.b.c.d (compatible)
  const nat64 = bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12);
  if (nat64) return v4(12); // 64:ff9b::/96
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2); // 2002::/16 (6to4)
  return undefined;
}

/** True for any address a partner API cannot legitimately have: loopback, private, link-local and the like. */
export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return internal.check(address, "ipv4");
  if (family !== 6) return true; // not an address at all: never connect to it blindly
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  if (v4 !== undefined && internal.check(v4, "ipv4")) return true;
  return internal.check(address.split("%")[0]!, "ipv6");
}

interface AllowEntry {
  host: string;
  port?: number;
}

/** Host names and IPv6 literals compared in one spelling: lower case, no brackets, no trailing dot. */
function normalizeHost(host: string): string {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
  if (isIP(h) === 6) {
    try {
      return new URL(`http://[${h}]/`).hostname.replace(/^\[(.*)\]$/, "$1");
    } catch {
      return h;
    }
  }
  return h;
}

export function parseAllowList(raw: string | undefined): AllowEntry[] {
  const out: AllowEntry[] = [];
  for (const item of (raw ?? "").split(",")) {
    const s = item.trim();
    if (!s) continue;
    // [v6]:port, v6 (two or more colons, no brackets), host:port, host
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(s) ?? (s.split(":").length > 2 ? null : /^([^:]+)(?::(\d+))?$/.exec(s));
    if (m) out.push({ host: normalizeHost(m[1]!), port: m[2] ? Number(m[2]) : undefined });
    else out.push({ host: normalizeHost(s) });
  }
  return out;
}

/** Read on every check, so a test (or an operator restarting with a new list) never sees a stale copy. */
function allowList(): AllowEntry[] {
  return parseAllowList(process.env.INTEGRATION_ALLOWED_HOSTS);
}

export function isAllowListed(host: string, port: number): boolean {
  const h = normalizeHost(host);
  return allowList().some((e) => e.host === h && (e.port === undefined || e.port === port));
}

export function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/**
 * What can be told from the address alone (before any DNS): the scheme, IP literals and `localhost` names. Names
 * are checked again at connect time (see guardedLookup). Returns a Russian reason, or null when it may be tried.
 */
export function refusalFor(url: URL): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return "Адрес недоступен: поддерживаются только http и https";
  }
  const host = normalizeHost(url.hostname);
  const port = effectivePort(url);
  if (isAllowListed(host, port)) return null;
  const internalName = host === "localhost" || host.endsWith(".localhost");
  if (isIP(host) ? isInternalAddress(host) : internalName) return REFUSED_MESSAGE;
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request: resolves the name and refuses the connection when any address it yields is
 * internal and not allow-listed, so the name cannot point at the server's own network after the form accepted it
 * (DNS rebinding). The addresses checked are the addresses connected to.
 */
export function guardedLookup(port: number) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const trusted = isAllowListed(hostname, port);
      if (!trusted && addresses.some((a) => isInternalAddress(a.address) && !isAllowListed(a.address, port))) {
        return callback(new RefusedTargetError(hostname) as unknown as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), []);
      callback(null, first.address, first.family);
    });
  };
}

/** Field errors for the address fields of a settings form whose targets the policy refuses (saving must fail). */
export function addressFieldErrors(
  fields: { name: string; type: string }[],
  values: Record<string, unknown>,
): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (f.type !== "url" || typeof v !== "string" || v === "") continue;
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      continue; // the schema already said what is wrong with it
    }
    const refusal = refusalFor(url);
    if (refusal) errors[f.name] = [refusal];
  }
  return Object.keys(errors).length > 0 ? errors : null;
}
