import Link from "next/link";
import type { ValueKind } from "./cms";
import type { IntegrationPageData } from "./load";

const code = (text: string | number, testId?: string) => (
  <code data-testid={testId} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900 select-all">
    {text}
  </code>
);

/** Where staff set or reset a client's login and password: the client card's «Прочее» tab (not duplicated here). */
export function ClientCardLink({ clientId }: { clientId: number }) {
  return (
    <Link href={`/clients/${clientId}`} className="text-blue-700 hover:underline">
      карточка клиента → вкладка «Прочее»
    </Link>
  );
}

/** One value a module field takes, as the viewer may see it: the password is never shown, only where it is set. */
export function IntegrationValue({ kind, data }: { kind: ValueKind; data: IntegrationPageData }) {
  const c = data.client;
  switch (kind) {
    case "extra":
      return code(data.extra, "value-extra");
    case "apiUrl":
      return code(data.apiUrl, "value-api-url");
    case "login":
      if (!c) return <span className="text-slate-400">выберите клиента</span>;
      if (c.login) return code(c.login, "value-login");
      return data.viewer === "staff" ? (
        <span className="text-amber-800">
          логин не задан — <ClientCardLink clientId={c.id} />
        </span>
      ) : (
        <span className="text-amber-800">логин не задан — обратитесь в курьерскую службу</span>
      );
    case "password":
      if (!c) return <span className="text-slate-400">выберите клиента</span>;
      if (data.viewer === "client") return <span>ваш пароль от личного кабинета</span>;
      return (
        <span>
          пароль клиента от кабинета{c.hasPassword ? "" : " (не задан)"}: задать или сбросить —{" "}
          <ClientCardLink clientId={c.id} />
        </span>
      );
  }
}
