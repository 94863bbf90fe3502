import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const BIN = join(ROOT, "bin/traingate.js");

function run(args: string[], input: string) {
  const r = spawnSync(process.execPath, [BIN, "redact", ...args], { input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("traingate redact (built CLI)", () => {
  let dir: string;
  beforeAll(() => {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
    dir = mkdtempSync(join(tmpdir(), "tg-redact-"));
    writeFileSync(
      join(dir, "members.jsonl"),
      `${JSON.stringify({ id: "m1", country: "DE", birth_date: null, display_name: "Zofia Wrzesniewska-Okafor", created_at: "2024-01-01T00:00:00Z", deleted_at: null })}\n`,
    );
    writeFileSync(
      join(dir, "no-email.yaml"),
      "name: no-email\nextends: recommended\nredact:\n  email: false\n",
    );
  });

  it("redacts text, keeps every other byte, one line out per line in, in order", () => {
    const lines = [
      '{"id":"a","n":12345678901234567890,"text":"mail me: jo@example.org"}',
      '{"text":"call +49 30 901820 or zofia wrzesniewska-okafor","id":"b"}',
      '{"id":"c","text":null}',
      '{"id":"d"}',
    ];
    const r = run(["--members", join(dir, "members.jsonl")], `${lines.join("\n")}\n`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      '{"id":"a","n":12345678901234567890,"text":"mail me: [EMAIL]"}',
      '{"text":"call [PHONE] or [PERSON]","id":"b"}',
      '{"id":"c","text":null}',
      '{"id":"d"}',
      "",
    ]);
  });

  it("takes the placeholder switches from the policy", () => {
    const r = run(
      ["--policy", join(dir, "no-email.yaml")],
      '{"text":"jo@example.org, +1 415 555 0132"}\n',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('{"text":"jo@example.org, [PHONE]"}\n');
  });

  it("gives the same output with worker threads", () => {
    const input = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ i, text: `n${i}: x${i}@mail.com` }),
    ).join("\n");
    const one = run([], input);
    const two = run(["--threads", "2"], input);
    expect(two.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stdout.split("\n")[299]).toBe('{"i":299,"text":"n299: [EMAIL]"}');
  });

  it("fails with exit 2 naming the line that is not JSON", () => {
    const r = run([], '{"text":"ok"}\n{"text": oops}\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stdin:2");
  });

  it("rejects a line that is JSON but not an object", () => {
    const r = run([], '{"text":"ok"}\n{"text":"ok"}\n[1,2]\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stdin:3");
  });

  it("rejects a bad --threads value", () => {
    const r = run(["--threads", "zero"], "");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--threads");
  });
});
