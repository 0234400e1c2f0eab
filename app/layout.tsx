import type { Metadata } from "next";
import "./globals.css";
import { Providers } from "@/components/providers";

// Rendered per request, so every page carries the CSP nonce proxy.ts generated for it (a prerendered page has none).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Курьер-Хаб — личный кабинет",
  description: "Личный кабинет и интеграционный хаб курьерской службы",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="ru">
      <body className="min-h-screen text-sm">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
