import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ParseReply } from "./parse-worker";
import { parseXml, XmlInputError, XmlLimitError, type XNode } from "./xml";

/**
 * Parsing a 5 MB document takes up to ~3 s of CPU (fast-xml-parser, 1.3 M attributes), which on the event loop
 * froze every other client. Documents up to INLINE_PARSE_BYTES (a shop's batch of ~200 orders; worst case, 128 KB of
 * empty elements, ~110 ms) are parsed in place — handing every 100-order batch to the one thread doubled their p95 —
 * larger ones on one worker thread, one at a time, with a time and memory cap.
 */
export const INLINE_PARSE_BYTES = 128 * 1024;
const PARSE_TIMEOUT_MS = 20_000;
/** Large documents waiting for the parser thread; beyond this the request is refused as «busy». */
const MAX_WAITING = 8;
/** The worker's own heap cap: a document that needs more is refused, never grows the web process. */
const WORKER_HEAP_MB = 128;

/** The parser thread is saturated by other large documents. */
export class XmlBusyError extends Error {}

export type Parsed = { root: string; node: XNode };

interface Job {
  id: number;
  body: string | Uint8Array;
  resolve(p: Parsed): void;
  reject(e: Error): void;
}

// The worker is a TypeScript file loaded through tsx's API (a runtime dependency): app/api/route.ts is bundled by
// Next.js, so the file is found from the project root (every way of running the app starts there), not the bundle.
const BOOTSTRAP = `
const { parentPort, workerData } = require("node:worker_threads");
import("tsx/esm/api")
  .then(({ tsImport }) => tsImport(workerData.file, workerData.parentURL))
  .catch((e) => parentPort.postMessage({ bootError: String((e && e.stack) || e) }));
`;

class ParsePool {
  private worker: Worker | null = null;
  private ready = false;
  private running: { job: Job; timer: NodeJS.Timeout } | null = null;
  private waiting: Job[] = [];
  private nextId = 1;
  /** Set when the worker cannot start at all; documents are then parsed in place (logged once). */
  private unavailable = false;

  parse(body: string | Uint8Array): Promise<Parsed> {
    if (this.unavailable) return Promise.resolve().then(() => parseXml(body));
    if (this.waiting.length >= MAX_WAITING) return Promise.reject(new XmlBusyError("XML parser busy"));
    return new Promise<Parsed>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, body, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const file = path.join(process.cwd(), "server", "xmlapi", "parse-worker.ts");
    const parentURL = pathToFileURL(`${process.cwd()}/`).href;
    const w = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { file, parentURL },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    w.on("message", (m: ParseReply | { ready: true } | { bootError: string }) => this.onMessage(w, m));
    w.on("error", (e) => this.onExit(w, e));
    w.on("exit", () => this.onExit(w, null));
    return w; // referenced while documents wait for it; unreferenced when idle, so it never holds a process open
  }

  private pump() {
    if (this.running || this.unavailable) return;
    if (!this.worker) {
      this.worker = this.spawn();
      this.ready = false;
    }
    if (!this.ready) return;
    const job = this.waiting.shift();
    if (!job) {
      this.worker.unref();
      return;
    }
    const w = this.worker;
    w.ref();
    const timer = setTimeout(() => {
      this.fail(new XmlInputError(`документ разбирался дольше ${PARSE_TIMEOUT_MS / 1000} с`));
      void w.terminate();
    }, PARSE_TIMEOUT_MS);
    this.running = { job, timer };
    w.postMessage({ id: job.id, body: job.body });
  }

  private onMessage(w: Worker, m: ParseReply | { ready: true } | { bootError: string }) {
    if (w !== this.worker) return;
    if ("ready" in m) {
      this.ready = true;
      this.pump();
      return;
    }
    if ("bootError" in m) {
      console.error("[xmlapi] parser thread failed to start; parsing on the main thread", m.bootError);
      this.unavailable = true;
      this.worker = null;
      void w.terminate();
      for (const job of this.waiting.splice(0)) this.parse(job.body).then(job.resolve, job.reject);
      return;
    }
    const running = this.running;
    if (!running || running.job.id !== m.id) return;
    clearTimeout(running.timer);
    this.running = null;
    if ("refused" in m) {
      running.job.reject(m.limit ? new XmlLimitError(m.root ?? "", m.limit, m.refused) : new XmlInputError(m.refused));
    } else if ("crashed" in m) running.job.reject(new Error(`XML parser thread: ${m.crashed}`));
    else running.job.resolve({ root: m.root, node: m.node });
    this.pump();
  }

  /** The worker died (heap cap, timeout, crash): the document it held is refused and the next one gets a new worker. */
  private onExit(w: Worker, e: Error | null) {
    if (w !== this.worker) return;
    this.worker = null;
    this.ready = false;
    const outOfMemory = (e as { code?: string } | null)?.code === "ERR_WORKER_OUT_OF_MEMORY";
    if (e && !outOfMemory) console.error("[xmlapi] parser thread failed", e);
    this.fail(new XmlInputError("документ слишком сложен для разбора"));
    if (this.waiting.length) this.pump();
  }

  private fail(e: Error) {
    const running = this.running;
    if (!running) return;
    clearTimeout(running.timer);
    this.running = null;
    running.job.reject(e);
  }
}

const pool = new ParsePool();

/** parseXml, off the event loop for documents over INLINE_PARSE_BYTES. Same results and XmlInputError refusals. */
export async function parseXmlOffLoop(body: string | Buffer): Promise<Parsed> {
  if (body.length <= INLINE_PARSE_BYTES) return parseXml(body);
  return pool.parse(body);
}
