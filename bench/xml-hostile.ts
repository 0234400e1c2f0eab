import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import bcrypt from "bcryptjs";
import { createDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { clients, companies } from "../db/schema";
import { createDatabaseIfMissing, dropDatabase, ensureDatabaseServer, withDatabase } from "../server/runtime/database";
import { fuzzDocuments } from "../server/xmlapi/__tests__/fuzz-docs";
import {
  MAX_ATTRIBUTES,
  MAX_ATTRIBUTES_TOTAL,
  MAX_BODY_BYTES,
  MAX_ELEMENTS,
  MAX_ORDERS_PER_REQUEST,
  MAX_TEXT,
} from "../server/xmlapi/xml";
import { INLINE_PARSE_BYTES } from "../server/xmlapi/parse-pool";
import type { Bench } from "./index";

// The XML API under attack, served by a process of its own (bench/partner-server.ts, or with BENCH_WEB=next the real
// `next start`) so its memory can be read:
// `xml-hostile` sends the worst documents the 5 MB limit allows, one after another, next to 4 ordinary clients;
// `xml-fuzz` sends 10,000 malformed or random documents. Both print the web server's peak RSS.

const ORDINARY_CLIENTS = 4;
/** BENCH_WEB=next: against `next start` from the production build (the real web server) instead of the handler. */
const WEB = process.env.BENCH_WEB ?? "handler";
const FUZZ_DOCUMENTS = Number(process.env.BENCH_FUZZ_DOCUMENTS ?? 10_000);
const EXTRA = 9_000_002;
const AUTH = `<auth extra="${EXTRA}" login="bench" pass="bench"/>`;
// Another login: the hostile documents must not trip the sign-in throttle for the ordinary clients' own login.
const WRONG_AUTH = `<auth extra="${EXTRA}" login="intruder" pass="guess"/>`;

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (n: number) => `${n.toFixed(0)} ms`;
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const spread = (xs: number[]) => `p50 ${ms(pct(xs, 50))}  p95 ${ms(pct(xs, 95))}  max ${ms(Math.max(...xs))}`;

function orderXml(no: string, pad = "") {
  const receiver = "<person>Иванов Иван</person><phone>+7 900 123-45-67</phone><town>Тверь</town>";
  const money = "<weight>1.2</weight><price>1990</price><deliveryprice>250</deliveryprice>";
  const address = "<address>ул. Ленина, д. 5</address>";
  return `<order orderno="${no}"><receiver>${receiver}${address}</receiver>${money}${pad}</order>`;
}

/** `unit` repeated to just under the body limit, between `head` and `tail`. */
function fill(head: string, unit: string, tail: string): string {
  const room = MAX_BODY_BYTES - Buffer.byteLength(head) - Buffer.byteLength(tail) - 16;
  return head + unit.repeat(Math.floor(room / Buffer.byteLength(unit))) + tail;
}

/** The worst documents within 5 MB: each aims at one cost (answer size, parser CPU, memory, recursion, database). */
function hostileDocuments(): { name: string; body: string }[] {
  const attrs = (n: number) => Array.from({ length: n }, (_, i) => `a${i}="${i}"`).join(" ");
  const times = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join("");
  const fullOrders = (n: number, auth: string, prefix: string) => {
    const pad = `<enclosure>${"x".repeat(Math.floor(MAX_BODY_BYTES / n) - 400)}</enclosure>`;
    return `<neworder>${auth}${times(n, (i) => orderXml(`${prefix}-${i}`, pad))}</neworder>`;
  };
  const longValues = `<x ${attrs(MAX_ATTRIBUTES).replace(/"\d+"/g, `"${"v".repeat(9)}"`)}/>`;
  return [
    {
      name: "neworder, 100,000 × <order/>, no auth (issue 8)",
      body: `<neworder>${"<order/>".repeat(100_000)}</neworder>`,
    },
    {
      name: "neworder, <order/> to 5 MB, wrong auth",
      body: fill(`<neworder>${WRONG_AUTH}`, "<order/>", "</neworder>"),
    },
    {
      name: "cancelorder, 100,000 orders, wrong auth",
      body: `<cancelorder>${WRONG_AUTH}${'<order orderno="1"/>'.repeat(100_000)}</cancelorder>`,
    },
    {
      name: `neworder, ${MAX_ORDERS_PER_REQUEST} full orders to 5 MB, wrong auth`,
      body: fullOrders(MAX_ORDERS_PER_REQUEST, WRONG_AUTH, "W"),
    },
    {
      name: `neworder, ${MAX_ORDERS_PER_REQUEST} valid orders, signed in`,
      body: `<neworder>${AUTH}${times(MAX_ORDERS_PER_REQUEST, (i) => orderXml(`H-${i}`))}</neworder>`,
    },
    {
      name: `cancelorder, ${MAX_ORDERS_PER_REQUEST} unknown orders, signed in`,
      body: `<cancelorder>${AUTH}${times(MAX_ORDERS_PER_REQUEST, (i) => `<order orderno="NONE-${i}"/>`)}</cancelorder>`,
    },
    {
      name: "one 5 MB text node",
      body: fill(`<neworder>${WRONG_AUTH}<order><enclosure>`, "a", "</enclosure></order></neworder>"),
    },
    {
      name: "5 MB in 1 MB text runs",
      body: fill(
        `<neworder>${WRONG_AUTH}`,
        `<order><enclosure>${"a".repeat(MAX_TEXT - 1)}</enclosure></order>`,
        "</neworder>",
      ),
    },
    {
      name: "5 MB of &amp; in 1 MB runs",
      body: fill(
        `<neworder>${WRONG_AUTH}`,
        `<order><enclosure>${"&amp;".repeat(MAX_TEXT / 5)}</enclosure></order>`,
        "</neworder>",
      ),
    },
    {
      name: `elements with ${MAX_ATTRIBUTES} attributes to 5 MB`,
      body: fill(`<statusreq>${WRONG_AUTH}`, `<x ${attrs(MAX_ATTRIBUTES)}/>`, "</statusreq>"),
    },
    {
      name: `${MAX_ATTRIBUTES_TOTAL - 100} attributes, long values`,
      body: `<statusreq>${WRONG_AUTH}${longValues.repeat((MAX_ATTRIBUTES_TOTAL - 100) / MAX_ATTRIBUTES)}</statusreq>`,
    },
    {
      name: `${MAX_ELEMENTS - 10} elements`,
      body: `<statusreq>${WRONG_AUTH}<target>${"<x>abcdefghij</x>".repeat(MAX_ELEMENTS - 10)}</target></statusreq>`,
    },
    { name: "one element, 870,000 attributes", body: fill("<statusreq><x ", 'a="1" ', "/></statusreq>") },
    { name: "nested 5 MB deep", body: fill("<neworder>", "<a>", "</neworder>") },
  ];
}

interface Target {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** A throwaway database with one signed-up shop, and the XML API in its own process on it. */
async function startTarget(): Promise<Target> {
  const server = await ensureDatabaseServer({
    dataDir: ".data/pg-bench",
    port: Number(process.env.EMBEDDED_PG_BENCH_PORT ?? 54369),
    log: () => {},
  });
  const name = `kh_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await createDatabaseIfMissing(server.adminUrl, name);
  const dbUrl = withDatabase(server.adminUrl, name);
  await runMigrations(dbUrl);
  const conn = createDatabase(dbUrl, { max: 1 });
  const [company] = await conn.db.insert(companies).values({ name: "Бенчмарк", extraCode: EXTRA }).returning();
  await conn.db
    .insert(clients)
    .values({ companyId: company!.id, name: "Магазин", login: "bench", passwordHash: bcrypt.hashSync("bench", 10) });
  await conn.sql.end();
  const env = { ...process.env, DATABASE_URL: dbUrl };
  let child: ChildProcess;
  let port: number;
  if (WEB === "next") {
    // The whole web server as `npm start` runs it (proxy, headers, every route), from the production build.
    if (!existsSync(".next/BUILD_ID")) throw new Error("BENCH_WEB=next needs a production build: run `npm run build`");
    port = await freePort();
    child = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"],
      {
        env: {
          ...env,
          NODE_ENV: "production",
          SECRETS_KEY: randomBytes(32).toString("base64"),
          NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
        },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    const exited = new Promise<never>((_, reject) =>
      child.once("exit", (code) => reject(new Error(`next start exited (${code})`))),
    );
    await Promise.race([exited, waitForAnswer(`http://127.0.0.1:${port}/login`)]);
  } else {
    child = spawn(process.execPath, ["--import", "tsx", "bench/partner-server.ts"], {
      env,
      stdio: ["ignore", "pipe", "inherit"],
    });
    port = await new Promise<number>((resolve, reject) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        const m = /PORT (\d+)/.exec(chunk.toString());
        if (m) resolve(Number(m[1]));
      });
      child.once("exit", (code) => reject(new Error(`XML API server exited (${code})`)));
    });
  }
  console.log(`web server: ${WEB === "next" ? "next start (production build)" : "the XML API handler alone"}`);
  return {
    url: `http://127.0.0.1:${port}/api/`,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      await dropDatabase(server.adminUrl, name);
      await server.stop();
    },
  };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function waitForAnswer(url: string) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200)))
    if ((await fetch(url).catch(() => null))?.ok) return;
  throw new Error(`${url} did not answer within 60 s`);
}

/** The process and every process it started (a web server may fork workers): their memory counts together. */
function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    for (const task of safeRead(() => readdirSync(`/proc/${all[i]}/task`), [] as string[]))
      for (const child of safeRead(() => readFileSync(`/proc/${all[i]}/task/${task}/children`, "utf8"), "").split(" "))
        if (child) all.push(Number(child));
  }
  return all;
}

function safeRead<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/**
 * Samples the resident memory of the server's process tree every 50 ms; `peak()` in KB (VmHWM, the kernel's own
 * high-water mark, too: summed over the tree, an upper bound).
 */
function watchRss(pid: number) {
  const read = (field: string) =>
    processTree(pid).reduce(
      (sum, p) =>
        sum +
        Number(
          new RegExp(`${field}:\\s+(\\d+)`).exec(safeRead(() => readFileSync(`/proc/${p}/status`, "utf8"), ""))?.[1] ??
            0,
        ),
      0,
    );
  const start = read("VmRSS");
  let peak = start;
  let since = start;
  const timer = setInterval(() => {
    try {
      const now = read("VmRSS");
      peak = Math.max(peak, now);
      since = Math.max(since, now);
    } catch {
      /* the process is gone */
    }
  }, 50);
  return {
    start,
    peak: () => peak,
    hwm: () => read("VmHWM"),
    /** The peak since the last call. */
    lap: () => {
      const p = since;
      since = read("VmRSS");
      return p;
    },
    stop: () => clearInterval(timer),
  };
}

async function post(url: string, body: string | Buffer) {
  const t0 = performance.now();
  const payload = typeof body === "string" ? body : new Uint8Array(body);
  const res = await fetch(url, {
    method: "POST",
    body: payload,
    headers: { "content-type": "text/xml; charset=utf-8" },
  });
  const text = await res.text();
  return { ms: performance.now() - t0, status: res.status, text };
}

/** 4 shops doing everyday things in turn (create one order, look it up, track it, list towns) until `until()`. */
async function ordinaryLoad(url: string, until: () => boolean, tag: string) {
  const samples: { at: number; ms: number }[] = [];
  let failures = 0;
  const client = async (c: number) => {
    for (let i = 0; !until(); i++) {
      const no = `${tag}-${c}-${i >> 2}`;
      const body = [
        `<neworder>${AUTH}${orderXml(no)}</neworder>`,
        `<statusreq>${AUTH}<orderno>${no}</orderno></statusreq>`,
        `<tracking><extra>${EXTRA}</extra><orderno>${no}</orderno></tracking>`,
        "<townlist><conditions><namestarts>Твер</namestarts></conditions><limit><limitcount>5</limitcount></limit>" +
          "</townlist>",
      ][i % 4]!;
      const at = performance.now();
      const r = await post(url, body);
      samples.push({ at, ms: r.ms });
      if (r.status !== 200 || /error="(?!0")/.test(r.text)) failures++;
    }
  };
  await Promise.all(Array.from({ length: ORDINARY_CLIENTS }, (_, c) => client(c)));
  return { samples, failures };
}

/** «neworder error 40», or the items' codes: «1 × createorder error 1». */
function answerSummary(text: string): string {
  const root = /^<\?xml[^>]*>\s*<(\w+)([^>]*)>/.exec(text);
  const rootError = root && /\serror="(\d+)"/.exec(root[2]!);
  if (root && rootError) return `${root[1]} error ${rootError[1]}`;
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/<(createorder|order)\s[^>]*?error="(\d+)"/g))
    counts.set(`${m[1]} error ${m[2]}`, (counts.get(`${m[1]} error ${m[2]}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} × ${k}`).join(", ") || "no error";
}

export const xmlHostile: Bench = {
  name: "xml-hostile",
  async run() {
    const docs = hostileDocuments();
    const target = await startTarget();
    const rss = watchRss(target.pid);
    try {
      // Warm-up, then ordinary clients alone for a baseline.
      let stopAt = performance.now() + 3000;
      await ordinaryLoad(target.url, () => performance.now() > stopAt, "warm");
      // A first large document starts the parser thread (~1–2 s, once per process); not counted below.
      const bootText = "x".repeat(INLINE_PARSE_BYTES + 1024); // past the inline limit, so the thread does start
      const boot = await post(target.url, `<statusreq>${AUTH}<target>${bootText}</target></statusreq>`);
      stopAt = performance.now() + 8000;
      const alone = await ordinaryLoad(target.url, () => performance.now() > stopAt, "base");

      // The same clients while one hostile client sends every document in turn.
      let hostileDone = false;
      let window = { from: 0, to: 0 };
      const hostile: { name: string; bytes: number; ms: number; status: number; answer: string; rss: number }[] = [];
      const load = ordinaryLoad(target.url, () => hostileDone, "load");
      await new Promise((r) => setTimeout(r, 1000));
      window.from = performance.now();
      for (const d of docs) {
        const r = await post(target.url, d.body);
        hostile.push({
          name: d.name,
          bytes: Buffer.byteLength(d.body),
          ms: r.ms,
          status: r.status,
          answer: answerSummary(r.text),
          rss: rss.lap(),
        });
      }
      window = { ...window, to: performance.now() };
      hostileDone = true;
      const during = await load;
      const inWindow = during.samples.filter((s) => s.at >= window.from && s.at <= window.to).map((s) => s.ms);

      const line = (label: string, xs: number[], failures: number) =>
        console.log(`${label}: ${String(xs.length).padStart(5)} requests  ${spread(xs)}  failures ${failures}`);
      console.log(
        `${ORDINARY_CLIENTS} ordinary clients (neworder of 1 order, statusreq, tracking, townlist), HTTP over loopback`,
      );
      line(
        "ordinary, alone              ",
        alone.samples.map((s) => s.ms),
        alone.failures,
      );
      line("ordinary, next to the hostile", inWindow, during.failures);
      console.log(`first large document (starts the parser thread): ${ms(boot.ms)}`);
      console.log(
        `hostile client, one document after another (${((window.to - window.from) / 1000).toFixed(1)} s in all):`,
      );
      for (const h of hostile) {
        const size = `${(h.bytes / 1e6).toFixed(2).padStart(5)} MB`;
        const rssNow = `RSS ≤ ${mb(h.rss).padStart(6)}`;
        console.log(`  ${h.name.padEnd(50)} ${size} ${ms(h.ms).padStart(8)}  ${rssNow}  HTTP ${h.status}  ${h.answer}`);
      }
      console.log(`web server RSS: ${mb(rss.start)} at start, peak ${mb(rss.peak())} (VmHWM ${mb(rss.hwm())})`);
      console.log("targets: ordinary p95 < 1 s next to the hostile client, web server RSS < 500 MB");
    } finally {
      rss.stop();
      await target.stop();
    }
  },
};

export const xmlFuzz: Bench = {
  name: "xml-fuzz",
  async run() {
    const target = await startTarget();
    const rss = watchRss(target.pid);
    try {
      const next = fuzzDocuments({ auth: AUTH, extraCode: EXTRA }, Number(process.env.FUZZ_SEED ?? 20260601));
      const latencies: number[] = [];
      let sent = 0;
      let fivexx = 0;
      let code13 = 0;
      const worker = async () => {
        while (sent < FUZZ_DOCUMENTS) {
          sent++;
          const r = await post(target.url, next());
          latencies.push(r.ms);
          if (r.status >= 500) fivexx++;
          if (r.text.includes('error="13"')) code13++;
        }
      };
      const t0 = performance.now();
      await Promise.all(Array.from({ length: ORDINARY_CLIENTS }, worker));
      const seconds = (performance.now() - t0) / 1000;
      console.log(
        `${FUZZ_DOCUMENTS} malformed or random documents, ${ORDINARY_CLIENTS} connections, ${seconds.toFixed(1)} s`,
      );
      console.log(`5xx ${fivexx}  code 13 ${code13}  ${spread(latencies)}`);
      console.log(`web server RSS: ${mb(rss.start)} at start, peak ${mb(rss.peak())} (VmHWM ${mb(rss.hwm())})`);
    } finally {
      rss.stop();
      await target.stop();
    }
  },
};
