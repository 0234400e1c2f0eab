import { describe, expect, it } from "vitest";
import { pageSecurityHeaders } from "@/server/security-headers";

describe("InSales app pages in the back office's iframe", () => {
  it("lets InSales shops frame the shop-app pages only", () => {
    const link = pageSecurityHeaders("/shop-apps/insales/link", "n", false);
    expect(link["Content-Security-Policy"]).toContain("frame-ancestors https://*.myinsales.ru");
    expect(link["X-Frame-Options"]).toBeUndefined();
    const cabinet = pageSecurityHeaders("/orders", "n", false);
    expect(cabinet["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(cabinet["X-Frame-Options"]).toBe("DENY");
  });
});
