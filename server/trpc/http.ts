import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { TRPCContext } from "./init";
import { appRouter } from "./root";

/** The cabinet's tRPC endpoint: the route supplies the session's context, tests a fixed one. */
export function handleTrpcRequest(req: Request, createContext: () => Promise<TRPCContext>): Promise<Response> {
  return fetchRequestHandler({ endpoint: "/api/trpc", req, router: appRouter, createContext });
}
