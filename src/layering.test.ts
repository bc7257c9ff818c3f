import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { cruise, type ICruiseOptions, type IReporterOutput } from "dependency-cruiser";
import { afterAll, describe, expect, it } from "vitest";

// The layering rules of .dependency-cruiser.cjs (README, "Layout"), checked on the real
// tree, and on small made-up trees that each break one rule, so a rule that stopped
// matching would fail here too.

const root = path.resolve(import.meta.dirname, "..");
const config = createRequire(import.meta.url)(path.join(root, ".dependency-cruiser.cjs")) as {
  forbidden: NonNullable<ICruiseOptions["ruleSet"]>["forbidden"];
  options: ICruiseOptions;
};

function violations(output: IReporterOutput["output"]): string[] {
  if (typeof output === "string") throw new Error(output);
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

async function check(baseDir: string, options: ICruiseOptions): Promise<string[]> {
  const result = await cruise(["src"], { ...options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  return violations(result.output);
}

describe("layering", () => {
  it("holds in src/: no upward import, no foreign repository, no cycle", async () => {
    expect(await check(root, config.options)).toEqual([]);
  }, 60_000);

  const fixtures = mkdtempSync(path.join(tmpdir(), "layering-"));
  afterAll(() => rmSync(fixtures, { recursive: true, force: true }));

  /** A throw-away tree of files whose contents are their imports. */
  async function violationsOf(files: Record<string, readonly string[]>): Promise<string[]> {
    const dir = mkdtempSync(path.join(fixtures, "case-"));
    for (const [file, imports] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      const from = path.dirname(file);
      const lines = imports.map((target, i) => {
        const spec = `./${path.relative(from, target).replace(/\.ts$/, "")}`.replace(/^\.\/\.\./, "..");
        return `import * as m${i} from "${spec}";\nexport const v${i} = m${i};`;
      });
      writeFileSync(path.join(dir, file), `${lines.join("\n")}\nexport const here = 1;\n`);
    }
    return (await check(dir, { doNotFollow: { path: "node_modules" }, tsPreCompilationDeps: true })).map((v) => v.split(":")[0]!);
  }

  it.each([
    ["client-imports-server", { "src/lib/format.ts": ["src/server/domain/order/order.service.ts"], "src/server/domain/order/order.service.ts": [] }],
    ["client-imports-server", { "src/components/card.ts": ["src/server/db/unit-of-work.ts"], "src/server/db/unit-of-work.ts": [] }],
    ["base-imports-upward", { "src/server/events/topics.ts": ["src/server/domain/member/member.types.ts"], "src/server/domain/member/member.types.ts": [] }],
    ["base-imports-upward", { "src/server/domain/shared/access.ts": ["src/server/graphql/context.ts"], "src/server/graphql/context.ts": [] }],
    ["domain-imports-edge", { "src/server/domain/member/member.service.ts": ["src/server/auth/session.ts"], "src/server/auth/session.ts": [] }],
    ["foreign-repository", { "src/server/domain/order/order.service.ts": ["src/server/domain/member/member.repository.ts"], "src/server/domain/member/member.repository.ts": [] }],
    ["foreign-internals", { "src/server/domain/catalog/catalog.repository.ts": ["src/server/domain/order/order.rules.ts"], "src/server/domain/order/order.rules.ts": [] }],
    ["database-outside-repository", { "src/server/domain/order/order.service.ts": ["src/server/db/client.ts"], "src/server/db/client.ts": [] }],
    ["unit-of-work-outside-service", { "src/server/graphql/modules/order/order.resolver.ts": ["src/server/db/unit-of-work.ts"], "src/server/db/unit-of-work.ts": [] }],
    ["edge-imports-repository", { "src/app/page.ts": ["src/server/domain/order/order.repository.ts"], "src/server/domain/order/order.repository.ts": [] }],
    ["no-cycles", { "src/server/domain/a/a.service.ts": ["src/server/domain/b/b.service.ts"], "src/server/domain/b/b.service.ts": ["src/server/domain/a/a.service.ts"] }],
  ] as const)("refuses a deliberately wrong import: %s", async (rule, files) => {
    expect(await violationsOf(files)).toContain(rule);
  });

  it("allows the arrows the layout allows", async () => {
    expect(await violationsOf({
      "src/app/page.ts": ["src/server/domain/order/order.service.ts"],
      "src/server/graphql/modules/order/order.resolver.ts": ["src/server/domain/order/order.service.ts"],
      "src/server/domain/order/order.service.ts": [
        "src/server/domain/order/order.repository.ts", "src/server/domain/catalog/catalog.service.ts",
        "src/server/domain/catalog/catalog.types.ts", "src/server/db/unit-of-work.ts", "src/server/auth/password.ts",
      ],
      "src/server/domain/order/order.repository.ts": ["src/server/db/client.ts", "src/server/db/unit-of-work.ts"],
      "src/server/domain/catalog/catalog.service.ts": [],
      "src/server/domain/catalog/catalog.types.ts": [],
      "src/server/db/unit-of-work.ts": ["src/server/db/client.ts"],
      "src/server/db/client.ts": [],
      "src/server/auth/password.ts": [],
    })).toEqual([]);
  });
});
