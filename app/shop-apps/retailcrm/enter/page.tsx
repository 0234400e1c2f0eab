import { EnterCabinet } from "../../insales/enter/enter-cabinet";

/** Only our own pages: a connection's «Автоматизация» or the orders. */
const SAFE_NEXT = /^\/(orders|automation\/\d{1,10})$/;

/** The one-time sign-in of a connected RetailCRM's client (ticket from the module's settings or the link page). */
export default async function EnterPage({
  searchParams,
}: {
  searchParams: Promise<{ ticket?: string; next?: string }>;
}) {
  const { ticket, next } = await searchParams;
  return (
    <main className="mx-auto max-w-xl p-6">
      <h1 className="mb-4 text-lg font-semibold">Курьер-Хаб</h1>
      <EnterCabinet
        ticket={typeof ticket === "string" ? ticket : ""}
        next={typeof next === "string" && SAFE_NEXT.test(next) ? next : "/orders"}
        platform="RetailCRM"
      />
    </main>
  );
}
