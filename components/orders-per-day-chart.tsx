"use client";
import { useRouter } from "next/navigation";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface OrdersPerDay {
  date: string;
  count: number;
  href: string;
}

const dayLabel = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;

/** Orders per day as bars (recharts, drawn in the browser); a bar opens that day's order list. */
export function OrdersPerDayChart({ days }: { days: OrdersPerDay[] }) {
  const router = useRouter();
  const total = days.reduce((s, d) => s + d.count, 0);
  return (
    <figure data-testid="orders-per-day">
      <div className="h-56 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="date" tickFormatter={dayLabel} tick={{ fontSize: 11 }} interval="preserveStartEnd" />
            <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
            <Tooltip
              labelFormatter={(v) => dayLabel(String(v))}
              formatter={(v) => [Number(v).toLocaleString("ru-RU"), "Заказов"]}
            />
            <Bar
              dataKey="count"
              fill="#2563eb"
              radius={[3, 3, 0, 0]}
              cursor="pointer"
              onClick={(entry) => {
                const href = (entry as { payload?: OrdersPerDay }).payload?.href;
                if (href) router.push(href);
              }}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-500">
        Всего за {days.length} дней: {total.toLocaleString("ru-RU")}. Нажмите на столбец, чтобы открыть заказы дня.
      </figcaption>
    </figure>
  );
}
