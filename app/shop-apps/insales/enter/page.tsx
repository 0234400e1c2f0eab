import { EnterCabinet } from "./enter-cabinet";

/** The one-time sign-in of a linked shop's client (ticket from the autologin or the link page). */
export default async function EnterPage({ searchParams }: { searchParams: Promise<{ ticket?: string }> }) {
  const { ticket } = await searchParams;
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="mb-4 text-lg font-semibold">Курьер-Хаб</h1>
      <EnterCabinet ticket={typeof ticket === "string" ? ticket : ""} />
    </main>
  );
}
