import { StaffOnly } from "@/components/staff-only";

export default function ManifestsLayout({ children }: { children: React.ReactNode }) {
  return <StaffOnly>{children}</StaffOnly>;
}
