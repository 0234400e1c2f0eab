import { RemittancesPage } from "./remittances-page";

export default function Page() {
  return <RemittancesPage />;
}
