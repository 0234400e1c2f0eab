import { NewManifestForm } from "./new-manifest-form";

export default function NewManifestPage() {
  return <NewManifestForm />;
}
