import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { openSecrets, sealSecrets, secretsContext } from "../secret-box";

const key = randomBytes(32);
const ctx = secretsContext(7, 42);

describe("secret box (AES-256-GCM)", () => {
  it("round-trips values and never contains the plaintext", () => {
    const values = { password: "Пароль-123!", gatePassword: "gate" };
    const blob = sealSecrets(values, ctx, key);
    expect(blob).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(blob).not.toContain("Пароль");
    expect(Buffer.from(blob.slice(3), "base64").toString("utf8")).not.toContain("Пароль-123");
    expect(openSecrets(blob, ctx, key)).toEqual(values);
  });

  it("uses a fresh IV each time", () => {
    expect(sealSecrets({ a: "b" }, ctx, key)).not.toBe(sealSecrets({ a: "b" }, ctx, key));
  });

  it("refuses a wrong key, another row's context, a tampered blob and an unknown version", () => {
    const blob = sealSecrets({ password: "x" }, ctx, key);
    expect(() => openSecrets(blob, ctx, randomBytes(32))).toThrow();
    expect(() => openSecrets(blob, secretsContext(7, 43), key)).toThrow();
    const raw = Buffer.from(blob.slice(3), "base64");
    raw[raw.length - 1] = raw[raw.length - 1]! ^ 1;
    expect(() => openSecrets(`v1:${raw.toString("base64")}`, ctx, key)).toThrow();
    expect(() => openSecrets(`v9:${blob.slice(3)}`, ctx, key)).toThrow(/unknown secrets blob version/);
  });
});
