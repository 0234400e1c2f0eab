import { Suspense } from "react";
import { SectionNav } from "./section-nav";

export default function ClientIntegrationLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="max-w-5xl">
      <Suspense>
        <SectionNav />
      </Suspense>
      {children}
    </div>
  );
}
