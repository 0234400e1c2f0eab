"use client";
import { PasswordChangeForm } from "@/components/password-change-form";
import { Card } from "@/components/ui";
import { changeOwnPasswordSchema, MIN_PASSWORD } from "@/server/services/users/schemas";

/** A staff user's own password; on success every session of the account ends and the user signs in again. */
export function ChangePassword() {
  return (
    <Card className="max-w-md">
      <PasswordChangeForm
        account="staff"
        schema={changeOwnPasswordSchema}
        hint={`Не короче ${MIN_PASSWORD} символов. После смены все ваши сеансы, включая этот, завершатся.`}
      />
    </Card>
  );
}
