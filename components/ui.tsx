"use client";
import Link from "next/link";
import { forwardRef, useId } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost";
const variants: Record<Variant, string> = {
  primary: "bg-blue-600 text-white hover:bg-blue-700 disabled:bg-blue-300",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 disabled:text-slate-400",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300",
  ghost: "text-blue-700 hover:bg-blue-50",
};

export function Button({
  variant = "primary",
  className = "",
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant }) {
  return (
    <button
      className={`inline-flex items-center justify-center gap-1 rounded-md px-3 py-1.5 font-medium transition-colors disabled:cursor-not-allowed ${variants[variant]} ${className}`}
      {...props}
    />
  );
}

export function LinkButton({
  href,
  variant = "primary",
  children,
}: {
  href: string;
  variant?: Variant;
  children: React.ReactNode;
}) {
  return (
    <Link
      href={href}
      className={`inline-flex items-center gap-1 rounded-md px-3 py-1.5 font-medium ${variants[variant]}`}
    >
      {children}
    </Link>
  );
}

export function Field({
  label,
  error,
  hint,
  children,
  htmlFor,
  messageId,
}: {
  label: string;
  error?: string | string[] | null;
  hint?: string;
  children: React.ReactNode;
  htmlFor?: string;
  messageId?: string;
}) {
  const message = Array.isArray(error) ? error[0] : error;
  // min-w-0: in a row or grid of fields a select as wide as its longest option shrinks to the screen on a phone.
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={htmlFor} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
      {message ? (
        <p id={messageId} className="text-xs text-red-600" role="alert">
          {message}
        </p>
      ) : hint ? (
        <p id={messageId} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

const inputClass =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 outline-none focus:border-blue-500 focus:ring-2 focus:ring-blue-100 aria-[invalid=true]:border-red-500";

export const Input = forwardRef<HTMLInputElement, React.InputHTMLAttributes<HTMLInputElement>>(function Input(
  { className = "", ...props },
  ref,
) {
  return <input ref={ref} className={`${inputClass} ${className}`} {...props} />;
});

export function Select({ className = "", ...props }: React.SelectHTMLAttributes<HTMLSelectElement>) {
  return <select className={`${inputClass} ${className}`} {...props} />;
}

export function Textarea({ className = "", ...props }: React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea className={`${inputClass} ${className}`} {...props} />;
}

/** A labelled input whose id/label pairing is generated, so tests and screen readers find it by its label. */
export function TextField({
  label,
  error,
  hint,
  ...props
}: React.InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | string[] | null; hint?: string }) {
  const id = useId();
  return (
    <Field label={label} error={error} hint={hint} htmlFor={id} messageId={`${id}-msg`}>
      <Input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-msg` : undefined}
        {...props}
      />
    </Field>
  );
}

export function Card({
  title,
  actions,
  children,
  className = "",
}: {
  title?: React.ReactNode;
  actions?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section className={`rounded-lg border border-slate-200 bg-white shadow-sm ${className}`}>
      {(title || actions) && (
        <header className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-2.5">
          <h2 className="font-semibold text-slate-800">{title}</h2>
          <div className="flex items-center gap-2">{actions}</div>
        </header>
      )}
      <div className="p-4">{children}</div>
    </section>
  );
}

export function PageHeader({
  title,
  actions,
  subtitle,
}: {
  title: React.ReactNode;
  actions?: React.ReactNode;
  subtitle?: React.ReactNode;
}) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
        {subtitle && <p className="mt-0.5 text-slate-500">{subtitle}</p>}
      </div>
      <div className="flex items-center gap-2">{actions}</div>
    </div>
  );
}

const tones = {
  gray: "bg-slate-100 text-slate-700",
  blue: "bg-blue-100 text-blue-800",
  green: "bg-green-100 text-green-800",
  red: "bg-red-100 text-red-800",
  amber: "bg-amber-100 text-amber-800",
} as const;

export function Badge({ tone = "gray", children }: { tone?: keyof typeof tones; children: React.ReactNode }) {
  return (
    <span className={`inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium ${tones[tone]}`}>
      {children}
    </span>
  );
}

export function Alert({
  tone = "red",
  children,
}: {
  tone?: "red" | "green" | "amber" | "blue";
  children: React.ReactNode;
}) {
  const cls = {
    red: "border-red-200 bg-red-50 text-red-800",
    green: "border-green-200 bg-green-50 text-green-800",
    amber: "border-amber-200 bg-amber-50 text-amber-900",
    blue: "border-blue-200 bg-blue-50 text-blue-900",
  }[tone];
  return (
    <div role={tone === "red" ? "alert" : "status"} className={`rounded-md border px-3 py-2 ${cls}`}>
      {children}
    </div>
  );
}

export function Table({ children }: { children: React.ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full border-collapse text-left [&_td]:border-t [&_td]:border-slate-100 [&_td]:px-3 [&_td]:py-2 [&_th]:bg-slate-50 [&_th]:px-3 [&_th]:py-2 [&_th]:text-xs [&_th]:font-semibold [&_th]:text-slate-600">
        {children}
      </table>
    </div>
  );
}

export function Spinner() {
  return <div className="p-6 text-center text-slate-500">Загрузка…</div>;
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="p-6 text-center text-slate-500">{children}</div>;
}

/** A labelled select, paired like `TextField`. */
export function SelectField({
  label,
  error,
  hint,
  children,
  ...props
}: React.SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string | string[] | null; hint?: string }) {
  const id = useId();
  return (
    <Field label={label} error={error} hint={hint} htmlFor={id} messageId={`${id}-msg`}>
      <Select
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-msg` : undefined}
        {...props}
      >
        {children}
      </Select>
    </Field>
  );
}

/** A labelled textarea, paired like `TextField`. */
export function TextareaField({
  label,
  error,
  hint,
  ...props
}: React.TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  error?: string | string[] | null;
  hint?: string;
}) {
  const id = useId();
  return (
    <Field label={label} error={error} hint={hint} htmlFor={id} messageId={`${id}-msg`}>
      <Textarea
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? `${id}-msg` : undefined}
        {...props}
      />
    </Field>
  );
}

/** Tabs as buttons; the caller renders the active panel. A dot marks a tab whose fields have errors. */
export function Tabs<T extends string>({
  tabs,
  active,
  onChange,
}: {
  tabs: { id: T; label: string; invalid?: boolean }[];
  active: T;
  onChange: (id: T) => void;
}) {
  return (
    // Tabs wrap on a phone (six integrators do not fit in 390 px) rather than widen the page.
    <div role="tablist" className="mb-4 flex flex-wrap gap-1 border-b border-slate-200">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={active === t.id}
          onClick={() => onChange(t.id)}
          className={`-mb-px border-b-2 px-3 py-2 font-medium ${active === t.id ? "border-blue-600 text-blue-700" : "border-transparent text-slate-600 hover:text-slate-900"}`}
        >
          {t.label}
          {t.invalid && (
            <span
              className="ml-1.5 inline-block h-1.5 w-1.5 rounded-full bg-red-500 align-middle"
              aria-label="есть ошибки"
            />
          )}
        </button>
      ))}
    </div>
  );
}

/** Label/value pairs for read-only cards. */
export function DetailList({ items }: { items: [string, React.ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5">
      {items.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-500">{k}</dt>
          <dd className="min-w-0 break-words text-slate-900">
            {v === null || v === undefined || v === "" ? <span className="text-slate-400">—</span> : v}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** An error banner for a failed query, with a retry. */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const e = error as { message?: string; data?: { code?: string } } | null;
  const message = e?.data?.code === "FORBIDDEN" ? "Недостаточно прав" : (e?.message ?? "Не удалось загрузить данные");
  return (
    <Alert>
      <div className="flex items-center justify-between gap-3">
        <span>{message}</span>
        {onRetry && e?.data?.code !== "FORBIDDEN" && e?.data?.code !== "NOT_FOUND" && (
          <button type="button" className="text-red-900 underline" onClick={onRetry}>
            Повторить
          </button>
        )}
      </div>
    </Alert>
  );
}

/** The next page of a keyset-paged list, for any `useInfiniteQuery` result. */
export function ShowMoreButton({
  query,
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
}) {
  if (!query.hasNextPage) return null;
  return (
    <Button variant="secondary" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
      {query.isFetchingNextPage ? "Загрузка…" : "Показать ещё"}
    </Button>
  );
}
