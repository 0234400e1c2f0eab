import { PRINT_FORM_TITLES, type PrintForm } from "@/server/services/exchange/schemas";

type Target = { orderId: number } | { manifestId: number };

function printHref(target: Target, form: PrintForm, part?: number) {
  const q = new URLSearchParams({ form });
  if ("orderId" in target) q.set("orderId", String(target.orderId));
  else q.set("manifestId", String(target.manifestId));
  if (part !== undefined) q.set("part", String(part));
  return `/api/print?${q}`;
}

const linkClass = "text-blue-700 hover:underline";

/**
 * «Накладная партнёра (PDF)», «Этикетки мест (PDF)»: the partner's own forms, fetched through our server and opened
 * in a new tab. A manifest of more orders than the partner prints at once gets one link per part.
 */
export function PartnerFormLinks({ target, parts, forms }: { target: Target; parts: number; forms: PrintForm[] }) {
  return (
    <ul className="flex flex-col gap-1" data-testid="partner-forms">
      {forms.map((form) => (
        <li key={form} className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
          {parts <= 1 ? (
            <a href={printHref(target, form)} target="_blank" rel="noopener" className={linkClass}>
              {PRINT_FORM_TITLES[form]} (PDF)
            </a>
          ) : (
            <>
              <span>{PRINT_FORM_TITLES[form]} (PDF):</span>
              {Array.from({ length: parts }, (_, i) => (
                <a key={i} href={printHref(target, form, i + 1)} target="_blank" rel="noopener" className={linkClass}>
                  Часть {i + 1} из {parts}
                </a>
              ))}
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
