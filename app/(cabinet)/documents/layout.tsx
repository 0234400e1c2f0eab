import { StaffOnly } from "@/components/staff-only";

export default function DocumentsLayout({ children }: { children: React.ReactNode }) {
  return <StaffOnly>{children}</StaffOnly>;
}
