import { Badge } from "@/components/ui";
import { LINE_STATE_TITLES, type LineState } from "@/server/services/remittances/schemas";

const TONES = { matched: "green", mismatch: "amber", unknown: "red" } as const;

export function LineStateBadge({ state }: { state: LineState }) {
  return <Badge tone={TONES[state]}>{LINE_STATE_TITLES[state]}</Badge>;
}

/** «5 строк», «1 строка», «3 строки». */
export function linesWord(n: number) {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return "строка";
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return "строки";
  return "строк";
}
