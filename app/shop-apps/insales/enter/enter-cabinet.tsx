"use client";
import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
import { Alert, Button } from "@/components/ui";

/**
 * Signs in with the ticket once. Inside the back office's iframe the browser keeps no cabinet cookie (third-party),
 * so there the cabinet opens in a new tab with the same, still unused ticket.
 */
export function EnterCabinet({
  ticket,
  next = "/orders",
  platform = "InSales",
}: {
  ticket: string;
  /** Where the cabinet opens; a path of ours only (the page checks it). */
  next?: string;
  platform?: string;
}) {
  const [error, setError] = useState<string | null>(
    ticket ? null : `Ссылка входа повреждена: войдите из ${platform} ещё раз`,
  );
  const [framed, setFramed] = useState<boolean | null>(null);
  const started = useRef(false);

  useEffect(() => {
    const inFrame = window.self !== window.top;
    setFramed(inFrame);
    if (inFrame || !ticket || started.current) return;
    started.current = true;
    void signIn("shop-app", { ticket, redirect: false }).then((res) => {
      if (res?.ok) window.location.assign(next);
      else setError(res?.error || `Не удалось войти: войдите из ${platform} ещё раз`);
    });
  }, [ticket, next, platform]);

  if (error) return <Alert>{error}</Alert>;
  if (framed)
    return (
      <div className="space-y-3">
        <p>Подключение готово. Кабинет курьерской службы открывается в отдельной вкладке.</p>
        <Button type="button" onClick={() => window.open(window.location.href, "_blank", "noopener")}>
          Открыть кабинет
        </Button>
      </div>
    );
  return <p className="text-slate-600">Входим в кабинет…</p>;
}
