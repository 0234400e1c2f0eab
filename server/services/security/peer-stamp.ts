import { randomBytes } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { PEER_HEADER, peerToken, setPeerToken } from "./client-ip";

/**
 * Stamps every request this process's HTTP servers receive with its socket address and scheme, under a random
 * per-process token a client cannot guess (a forged stamp is ignored). Installed by `instrumentation.ts` before
 * Next.js serves pages; idempotent.
 */
export function installPeerStamp() {
  if (peerToken()) return;
  const token = randomBytes(16).toString("hex");
  for (const proto of [http.Server.prototype, https.Server.prototype]) {
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === "request") stamp(args[0] as IncomingMessage, token);
      return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
    } as typeof emit;
  }
  setPeerToken(token);
}

function stamp(req: IncomingMessage, token: string) {
  const socket = req.socket as TLSSocket | undefined;
  req.headers[PEER_HEADER] = `${token} ${socket?.remoteAddress ?? "unknown"} ${socket?.encrypted ? "https" : "http"}`;
}
