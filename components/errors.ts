/** Pulls the Russian message and field errors out of a tRPC error for display next to a form. */
export function errorInfo(error: unknown): { message: string | null; fields: Record<string, string[]> } {
  if (!error) return { message: null, fields: {} };
  const e = error as { message?: string; data?: { fieldErrors?: Record<string, string[]> | null; code?: string } };
  const fields = e.data?.fieldErrors ?? {};
  return { message: e.message ?? "Ошибка", fields };
}
