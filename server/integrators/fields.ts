import { z } from "zod";
import { zodFieldErrors } from "../services/errors";
import type { FieldMeta, FieldSpec, FieldType, IntegratorSettings } from "./types";

type AnySchema = z.core.$ZodType;

function defOf(s: AnySchema) {
  return (
    s as unknown as {
      _zod: {
        def: {
          type: string;
          innerType?: AnySchema;
          defaultValue?: unknown;
          entries?: Record<string, string>;
          in?: AnySchema;
          out?: AnySchema;
        };
      };
    }
  )._zod.def;
}

/** Walks wrappers (optional, default, pipe…) to the base type, collecting meta, optionality and default on the way. */
function inspect(schema: AnySchema) {
  let cur: AnySchema | undefined = schema;
  let meta: FieldMeta | undefined;
  let optional = false;
  let def: unknown;
  let format: string | undefined;
  for (let depth = 0; cur && depth < 10; depth++) {
    meta ??= z.globalRegistry.get(cur) as FieldMeta | undefined;
    const d = defOf(cur);
    if (d.type === "optional" || d.type === "nullable") {
      optional = true;
      cur = d.innerType;
    } else if (d.type === "default" || d.type === "prefault") {
      def = typeof d.defaultValue === "function" ? (d.defaultValue as () => unknown)() : d.defaultValue;
      cur = d.innerType;
    } else if (d.type === "pipe") {
      cur = d.in;
    } else {
      format =
        (d as { format?: string }).format ??
        (cur as unknown as { _zod: { bag?: { format?: string } } })._zod.bag?.format;
      return { base: d, meta, optional, def, format };
    }
  }
  throw new Error("settings field too deeply wrapped");
}

/** The form description of a settings schema: one entry per field, in declaration order. */
export function fieldsOf(settings: IntegratorSettings): FieldSpec[] {
  return Object.entries(settings.schema.shape).map(([name, schema]) => {
    const { base, meta, optional, def, format } = inspect(schema as AnySchema);
    if (!meta?.label) throw new Error(`${settings.id}.${name}: settings field without .meta({ label })`);
    let type: FieldType;
    let options: FieldSpec["options"];
    if (base.type === "boolean") type = "boolean";
    else if (base.type === "number" || base.type === "int") type = "number";
    else if (base.type === "record") type = "statusMap";
    else if (base.type === "array") type = "multiselect";
    else if (base.type === "enum") {
      type = "select";
      options = Object.values(base.entries ?? {}).map((v) => ({ value: v, label: meta.optionLabels?.[v] ?? v }));
    } else if (meta.secret) type = "password";
    else if (format === "url") type = "url";
    else type = "text";
    const spec: FieldSpec = {
      name,
      label: meta.label,
      type,
      required: !optional && def === undefined && type !== "boolean",
      secret: !!meta.secret,
    };
    if (meta.help) spec.help = meta.help;
    if (meta.placeholder) spec.placeholder = meta.placeholder;
    if (def !== undefined && (typeof def === "string" || typeof def === "number" || typeof def === "boolean"))
      spec.default = def;
    if (options) spec.options = options;
    if (meta.choices) spec.choices = meta.choices;
    if (meta.choicesMissing) spec.choicesMissing = meta.choicesMissing;
    return spec;
  });
}

export function secretFieldNames(settings: IntegratorSettings): string[] {
  return fieldsOf(settings)
    .filter((f) => f.secret)
    .map((f) => f.name);
}

/** Blank text fields mean "not given": optional ones then validate as absent, required ones get their own message. */
export function normalizeValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === "string" && v.trim() === "") continue;
    out[k] = v;
  }
  return out;
}

/**
 * Validates form values the way both the dialog and `saveIntegration` do. A secret already stored may be left blank
 * (it is kept), so those fields are optional here; everything else follows the integrator's schema.
 */
export function validateSettings(
  settings: IntegratorSettings,
  values: Record<string, unknown>,
  storedSecrets: readonly string[] = [],
) {
  const keep = Object.fromEntries(
    storedSecrets.filter((n) => n in settings.schema.shape).map((n) => [n, true] as const),
  );
  const schema = Object.keys(keep).length > 0 ? settings.schema.partial(keep as never) : settings.schema;
  const result = schema.safeParse(normalizeValues(values));
  if (result.success) return { ok: true as const, data: result.data as Record<string, unknown> };
  return { ok: false as const, fieldErrors: zodFieldErrors(result.error) };
}
