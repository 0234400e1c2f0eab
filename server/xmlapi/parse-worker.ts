import { parentPort } from "node:worker_threads";
import { parseXml, XmlInputError, XmlLimitError } from "./xml";

// The XML API's parser thread (see parse-pool.ts): bytes in, the parsed document or the reason it was refused out.
// Relative imports only: this file is loaded by tsx at run time, outside any bundle.

export type ParseReply =
  | { id: number; root: string; node: ReturnType<typeof parseXml>["node"] }
  | { id: number; refused: string; limit?: XmlLimitError["limit"]; root?: string }
  | { id: number; crashed: string };

parentPort?.on("message", ({ id, body }: { id: number; body: string | Uint8Array }) => {
  let reply: ParseReply;
  try {
    reply = { id, ...parseXml(body) };
  } catch (e) {
    if (e instanceof XmlLimitError) reply = { id, refused: e.message, limit: e.limit, root: e.root };
    else if (e instanceof XmlInputError) reply = { id, refused: e.message };
    else reply = { id, crashed: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
});
parentPort?.postMessage({ ready: true });
