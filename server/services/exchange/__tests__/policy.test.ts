import { describe, expect, it } from "vitest";
import { retryDelayMs } from "../policy";

describe("retry policy", () => {
  const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, giveUpAfterMs: 3_600_000 };
  it("grows exponentially within jitter bounds and stops at the cap", () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(4, policy, () => 1)).toBe(8000);
    expect(retryDelayMs(30, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(30, policy, () => 0)).toBe(30_000);
  });
});
