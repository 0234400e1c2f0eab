import { PageHeader } from "@/components/ui";
import { getSession } from "@/server/auth";
import { ChangePassword } from "./change-password";

/** Every staff user's own password (a client account changes its own on «Интеграция»). */
export default async function PasswordPage() {
  const actor = (await getSession())?.actor;
  return (
    <>
      <PageHeader title="Сменить пароль" />
      {actor?.type === "staff" ? (
        <ChangePassword />
      ) : (
        <p className="text-slate-700">Пароль клиента меняется в разделе «Интеграция» или в карточке клиента.</p>
      )}
    </>
  );
}
