import { StaffOnly } from "@/components/staff-only";
import { DirectoriesMenu } from "./menu";

export default function DirectoriesLayout({ children }: { children: React.ReactNode }) {
  return (
    <StaffOnly>
      <div className="flex gap-6">
        <DirectoriesMenu />
        <div className="min-w-0 flex-1">{children}</div>
      </div>
    </StaffOnly>
  );
}
