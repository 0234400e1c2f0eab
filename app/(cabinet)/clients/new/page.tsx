import { ClientForm } from "../client-form";

export default function NewClientPage() {
  return <ClientForm />;
}
