import Link from "next/link";
import { formatDate, formatMoney } from "@/components/format";
import { Card } from "@/components/ui";
import type { DashboardFigures } from "@/server/services/dashboard/figures";
import { OrdersPerDayChart } from "./orders-per-day-chart";

function BigLink({
  href,
  value,
  tone = "blue",
  testId,
}: {
  href: string;
  value: string;
  tone?: "blue" | "red";
  testId: string;
}) {
  return (
    <Link
      href={href}
      data-testid={testId}
      className={`text-3xl font-semibold hover:underline ${tone === "red" ? "text-red-700" : "text-blue-700"}`}
    >
      {value}
    </Link>
  );
}

const n = (v: number) => v.toLocaleString("ru-RU");

/** The staff start page: today's orders, hand-overs to partners, COD to collect; every figure opens its order list. */
export function StaffDashboard({ figures: f }: { figures: DashboardFigures }) {
  return (
    <div className="space-y-4">
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-4">
        <Card title="Заказы сегодня">
          <BigLink href={f.todayTotal.href} value={n(f.todayTotal.count)} testId="dash-today" />
          <p className="text-xs text-slate-500">созданы {formatDate(f.today)}</p>
          {f.todayByStatus.length > 0 && (
            <ul className="mt-2 space-y-0.5" data-testid="dash-today-statuses">
              {f.todayByStatus.map((s) => (
                <li key={s.status} className="flex justify-between gap-2">
                  <Link href={s.href} className="text-slate-700 hover:text-blue-700 hover:underline">
                    {s.title}
                  </Link>
                  <span className="tabular-nums text-slate-900">{n(s.count)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="Ждут у партнёров">
          <BigLink href={f.waitingAtPartners.href} value={n(f.waitingAtPartners.count)} testId="dash-waiting" />
          <p className="text-xs text-slate-500">в очереди на передачу, передаются или ждут ответа партнёра</p>
        </Card>
        <Card title="Ошибки передачи">
          <BigLink
            href={f.failedTransfers.href}
            value={n(f.failedTransfers.count)}
            tone={f.failedTransfers.count > 0 ? "red" : "blue"}
            testId="dash-failed"
          />
          <p className="text-xs text-slate-500">заказы, которые партнёр не принял: повторите из карточки заказа</p>
        </Card>
        <Card title="Наложенный платёж к получению">
          {f.codPending.length === 0 ? (
            <BigLink href="/orders?cod=1" value={formatMoney(0)} testId="dash-cod" />
          ) : (
            <ul className="space-y-1" data-testid="dash-cod">
              {f.codPending.map((c) => (
                <li key={c.currency}>
                  <Link href={c.href} className="text-2xl font-semibold text-blue-700 hover:underline">
                    {formatMoney(c.amount, c.currency)}
                  </Link>
                  <span className="ml-2 text-xs text-slate-500">{n(c.count)} заказ(ов)</span>
                </li>
              ))}
            </ul>
          )}
          <p className="text-xs text-slate-500">по заказам, ещё не доставленным и не отменённым</p>
        </Card>
      </div>
      <Card title="Заказы по дням за 30 дней">
        <OrdersPerDayChart days={f.perDay} />
      </Card>
    </div>
  );
}
