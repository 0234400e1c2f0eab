import { ManifestsList } from "./manifests-list";

export default function ManifestsPage() {
  return <ManifestsList />;
}
