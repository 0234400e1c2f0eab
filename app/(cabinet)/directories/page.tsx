import { redirect } from "next/navigation";

export default function DirectoriesPage() {
  redirect("/directories/branches");
}
