import { describe, expect, it } from "vitest";
import { backoffSeconds, isInternalAddress } from "./webhook.rules";

describe("internal addresses (webhooks may not reach them in production)", () => {
  it.each([
    ["127.0.0.1", true], ["10.1.2.3", true], ["172.20.0.1", true], ["192.168.1.1", true], ["169.254.169.254", true], ["100.64.0.1", true],
    ["0.0.0.0", true], ["::1", true], ["::", true], ["fe80::1", true], ["fd00::1", true], ["::ffff:127.0.0.1", true], ["not an address", true],
    ["8.8.8.8", false], ["1.1.1.1", false], ["172.32.0.1", false], ["2606:4700:4700::1111", false], ["::ffff:8.8.8.8", false],
  ])("%s: %s", (ip, internal) => expect(isInternalAddress(ip)).toBe(internal));
});

describe("retry backoff", () => {
  it("doubles from 10 s up to an hour, with up to 20 % jitter", () => {
    expect([1, 2, 3, 10, 20].map((n) => backoffSeconds(n, 0))).toEqual([10, 20, 40, 3600, 3600]);
    expect(backoffSeconds(1, 0.999)).toBe(12);
  });
});
