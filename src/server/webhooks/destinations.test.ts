import { describe, expect, it } from "vitest";
import { PUBLIC_ONLY, parseAllowIps, postWebhook, webhookUrlProblem } from "./destinations.js";

describe("webhook destinations", () => {
  it("accepts public https URLs only, by default", () => {
    expect(webhookUrlProblem("https://partner.example/hook?x=1", PUBLIC_ONLY)).toBeNull();
    expect(webhookUrlProblem("https://8.8.8.8/hook", PUBLIC_ONLY)).toBeNull();
    expect(webhookUrlProblem("https://[2001:4860:4860::8888]/h", PUBLIC_ONLY)).toBeNull();
    for (const url of [
      "http://partner.example/hook",
      "ftp://partner.example/hook",
      "https://127.0.0.1/",
      "https://127.1.2.3/",
      "https://10.0.0.1/",
      "https://172.16.5.4/",
      "https://192.168.1.1/",
      "https://100.64.0.1/",
      "https://169.254.169.254/",
      "https://0.0.0.0/",
      "https://[::]/",
      "https://[::1]/",
      "https://[fe80::1]/",
      "https://[fd00::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://224.0.0.1/",
      "https://LOCALHOST/",
      "https://localhost./",
      "https://a.b.localhost/",
      "https://u@partner.example/",
      "not a url",
    ]) {
      expect(webhookUrlProblem(url, PUBLIC_ONLY), url).not.toBeNull();
    }
  });

  it("lets the operator allow addresses and ranges, and everything in development", () => {
    const rule = { allowPrivate: false, allowIps: parseAllowIps(["10.1.0.0/16", "fd00::5"]) };
    expect(webhookUrlProblem("https://10.1.200.3/", rule)).toBeNull();
    expect(webhookUrlProblem("https://10.2.0.1/", rule)).not.toBeNull();
    expect(webhookUrlProblem("https://[fd00::5]/", rule)).toBeNull();
    expect(webhookUrlProblem("https://[fd00::6]/", rule)).not.toBeNull();
    // An allowed range never relaxes the scheme rule.
    expect(webhookUrlProblem("http://10.1.200.3/", rule)).toMatch(/https/);
    const dev = { allowPrivate: true, allowIps: [] };
    expect(webhookUrlProblem("http://127.0.0.1:9000/hook", dev)).toBeNull();
    expect(webhookUrlProblem("http://localhost:9000/hook", dev)).toBeNull();
    expect(webhookUrlProblem("http://u:p@localhost:9000/hook", dev)).toMatch(/credentials/);
  });

  it("rejects a malformed --webhook-allow-ip value, naming it", () => {
    expect(() => parseAllowIps(["10.0.0.0/33"])).toThrow(/--webhook-allow-ip "10.0.0.0\/33"/);
    expect(() => parseAllowIps(["partner.example"])).toThrow(/IP address or a CIDR range/);
    expect(parseAllowIps([" 10.0.0.0/8 ", "::1"])).toEqual(["10.0.0.0/8", "::1"]);
  });

  it("refuses to connect to a refused address before sending anything", async () => {
    await expect(
      postWebhook("https://127.0.0.1:1/hook", {}, "{}", PUBLIC_ONLY, 1000),
    ).rejects.toThrow(/not public/);
  });
});
