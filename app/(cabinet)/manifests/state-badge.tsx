import { Badge } from "@/components/ui";
import { MANIFEST_STATE_TITLES } from "@/server/services/manifests/schemas";

export type ManifestState = keyof typeof MANIFEST_STATE_TITLES;
const TONES = { draft: "gray", assembled: "amber", sent: "green" } as const;

export function ManifestStateBadge({ state }: { state: ManifestState }) {
  return <Badge tone={TONES[state]}>{MANIFEST_STATE_TITLES[state]}</Badge>;
}
