import { CodPage } from "./cod-page";

export default function Page() {
  return <CodPage />;
}
