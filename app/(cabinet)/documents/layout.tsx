import { StaffOnly } from "@/components/staff-only";
import { DocumentsNav } from "./documents-nav";

export default function DocumentsLayout({ children }: { children: React.ReactNode }) {
  return (
    <StaffOnly>
      <DocumentsNav />
      {children}
    </StaffOnly>
  );
}
