import { notFound } from "next/navigation";

// Unknown addresses inside the cabinet get its own 404, with the navigation still there.
export default function MissingPage() {
  notFound();
}
