import { StaffOnly } from "@/components/staff-only";

export default function ClientsLayout({ children }: { children: React.ReactNode }) {
  return <StaffOnly>{children}</StaffOnly>;
}
