// Runs once when the Next.js server starts, before it serves a request handler.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Sign-in throttling needs the real socket address, which Next.js does not pass to route handlers.
  const { installPeerStamp } = await import("./server/services/security/peer-stamp");
  installPeerStamp();
}
