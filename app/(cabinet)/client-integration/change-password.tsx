"use client";
import { useState } from "react";
import { PasswordChangeForm } from "@/components/password-change-form";
import { Button } from "@/components/ui";
import { changeClientPasswordSchema } from "@/server/services/client-integration/schemas";

/** «Сбросить пароль» for a client account: its own password, the current one first; then it signs in again. */
export function ChangeOwnPassword() {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Сбросить пароль
      </Button>
    );
  return (
    <PasswordChangeForm
      account="client"
      schema={changeClientPasswordSchema}
      hint="Не короче 4 символов. После смены войдите снова и впишите новый пароль в настройки модуля магазина."
      onCancel={() => setOpen(false)}
    />
  );
}
