import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";

/** A request body up to `max` bytes; a larger one is read to its end (the client is answered) and reported. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
    });
    req.on("end", () => resolve(size > max ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A stand-in run as its own process (`npm run stand-in:<name>`) stops cleanly on Ctrl-C or SIGTERM. */
export function stopOnSignals(title: string, close: () => Promise<void>) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: заглушка ${title} останавливается`);
    await close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/** The port a stand-in listens on: its environment variable or its default; a wrong value stops it with a reason. */
export function standInPort(variable: string, fallback: number): number {
  const port = Number(process.env[variable] ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${variable} должен быть номером порта, а не «${process.env[variable]}»`);
    process.exit(1);
  }
  return port;
}

/**
 * A stand-in's HTTP server. Idle keep-alive connections are held longer than clients keep theirs (Node's default 5 s
 * closed a socket just as a test reused it: ECONNRESET), as a real partner's front server does.
 */
export function createStandInServer(handler: RequestListener): Server {
  const server = createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/** A control call that cannot be done (bad input, unknown object): `status` is the HTTP answer. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Runs one control call on the JSON body `raw` laid over `base` (the query, for stand-ins that read it): the result at
 * 200, a ControlError at its status, anything else at 500, a failure always as `{ error }`; a body that is not JSON is
 * a 400.
 */
export async function answerControl(
  raw: Buffer,
  base: Record<string, unknown>,
  run: (input: Record<string, unknown>) => unknown,
): Promise<{ status: number; body: unknown }> {
  try {
    let parsed: unknown;
    try {
      parsed = raw.length ? JSON.parse(raw.toString("utf8")) : {};
    } catch {
      throw new ControlError(400, "Тело команды должно быть JSON");
    }
    return { status: 200, body: await run({ ...base, ...((parsed ?? {}) as Record<string, unknown>) }) };
  } catch (e) {
    return {
      status: e instanceof ControlError ? e.status : 500,
      body: { error: e instanceof Error ? e.message : String(e) },
    };
  }
}
