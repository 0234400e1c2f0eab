"use client";
import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { Alert, Button } from "@/components/ui";

/**
 * Signs in with the ticket once. Inside the back office's iframe the browser keeps no cabinet cookie (third-party),
 * so there the cabinet opens in a new tab with the same, still unused ticket.
 */
export function EnterCabinet({ ticket }: { ticket: string }) {
  const [error, setError] = useState<string | null>(
    ticket ? null : "Ссылка входа повреждена: войдите из InSales ещё раз",
  );
  const [framed, setFramed] = useState<boolean | null>(null);
  const started = useRef(false);

  useEffect(() => {
    const inFrame = window.self !== window.top;
    setFramed(inFrame);
    if (inFrame || !ticket || started.current) return;
    started.current = true;
    void signIn("shop-app", { ticket, redirect: false }).then((res) => {
      if (res?.ok) window.location.assign("/orders");
      else setError(res?.error || "Не удалось войти: войдите из InSales ещё раз");
    });
  }, [ticket]);

  if (error) return <Alert>{error}</Alert>;
  if (framed)
    return (
      <div className="space-y-3">
        <p>Магазин подключён. Кабинет курьерской службы открывается в отдельной вкладке.</p>
        <Button type="button" onClick={() => window.open(window.location.href, "_blank", "noopener")}>
          Открыть кабинет
        </Button>
      </div>
    );
  return <p className="text-slate-600">Входим в кабинет…</p>;
}
