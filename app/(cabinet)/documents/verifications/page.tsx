import { VerificationsPage } from "./verifications-page";

export default function Page() {
  return <VerificationsPage />;
}
