import { BranchesDirectory } from "./branches-directory";

export default function BranchesPage() {
  return <BranchesDirectory />;
}
