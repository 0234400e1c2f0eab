"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { Alert, Button, TextField } from "@/components/ui";
import { safeCallbackPath } from "@/server/services/auth/callback-url";

export function LoginForm({ callbackUrl, defaultExtra }: { callbackUrl: string; defaultExtra: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn("credentials", {
      redirect: false,
      extra: String(form.get("extra") ?? ""),
      login: String(form.get("login") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    if (res?.ok && !res.error) {
      // Checked again against the real origin: the page's value reached us through a query string.
      window.location.assign(safeCallbackPath(callbackUrl, window.location.origin));
      return;
    }
    setPending(false);
    setError(res?.error && res.error !== "CredentialsSignin" ? res.error : "Неверный код службы, логин или пароль");
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3">
      {error && <Alert>{error}</Alert>}
      <TextField
        label="Код службы"
        name="extra"
        inputMode="numeric"
        defaultValue={defaultExtra}
        required
        autoFocus={!defaultExtra}
      />
      <TextField label="Логин" name="login" autoComplete="username" required autoFocus={!!defaultExtra} />
      <TextField label="Пароль" name="password" type="password" autoComplete="current-password" required />
      <Button type="submit" disabled={pending} className="mt-2 py-2">
        {pending ? "Вход…" : "Войти"}
      </Button>
    </form>
  );
}
