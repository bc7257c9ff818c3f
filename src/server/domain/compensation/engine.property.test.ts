import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeRun, emptyInput, type EngineInput, lineRates, mulDiv, runHash } from "./engine.rules";
import { EXAMPLE_PLAN, parsePlan, type Plan } from "./plan.rules";

// Random networks: member i's sponsor and placement parent are earlier members, PV 0..300.
const networkArb = fc.integer({ min: 1, max: 60 }).chain((n) =>
  fc.record({
    sponsors: fc.array(fc.nat(), { minLength: n, maxLength: n }),
    parents: fc.array(fc.nat(), { minLength: n, maxLength: n }),
    pv: fc.array(fc.integer({ min: 0, max: 300_00 }), { minLength: n, maxLength: n }),
    bv: fc.array(fc.integer({ min: 0, max: 300_00 }), { minLength: n, maxLength: n }),
  }),
);

function build(r: { sponsors: number[]; parents: number[]; pv: number[]; bv: number[] }): EngineInput {
  const n = r.pv.length;
  const input = emptyInput(n);
  const children = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    input.ids[i] = i + 1;
    input.sponsor[i] = i === 0 ? -1 : r.sponsors[i]! % i;
    // Binary placement: the first earlier member with a free position.
    let p = i === 0 ? -1 : r.parents[i]! % i;
    while (p >= 0 && children[p]! >= 2) p = (p + 1) % i;
    input.parent[i] = p;
    if (p >= 0) input.position[i] = children[p]!++;
    input.pv[i] = r.pv[i]!;
    input.bv[i] = r.bv[i]!;
  }
  return input;
}

const plan = (doc: object): Plan => parsePlan(doc).plan!;
const hybrid = plan({
  ...EXAMPLE_PLAN,
  bonuses: [...EXAMPLE_PLAN.bonuses, { type: "MATCHING", generations: [0.1, 0.05] }, { type: "POOL", share: 0.02, shares: { Bronze: 1, Silver: 3 } }],
});

describe("engine properties", () => {
  it("the payout cap is never exceeded and lines are never negative", () => {
    fc.assert(
      fc.property(networkArb, fc.integer({ min: 1, max: 60 }), (r, capPercent) => {
        const input = build(r);
        const result = computeRun(plan({ ...hybrid, payoutCap: { shareOfVolume: capPercent / 100 } }), input);
        const cap = Math.floor((result.companyVolume * capPercent) / 100); // hundredths of BV × share = cents
        let sum = 0;
        for (let k = 0; k < result.lines.count; k++) {
          expect(result.lines.amount[k]).toBeGreaterThanOrEqual(0);
          sum += result.lines.amount[k]!;
        }
        expect(sum).toBe(result.total);
        expect(result.total).toBeLessThanOrEqual(cap);
      }),
    );
  });

  it("every line is its rate of its basis, as its bonus gives them back (lines keep neither)", () => {
    // Shares of volume (hundredths × ppm → cents: ÷ 1e6) and of money (matching: cents × ppm ÷ 1e6), rounded half up.
    const shares = plan({
      ...EXAMPLE_PLAN, payoutCap: undefined,
      bonuses: [
        { type: "UNILEVEL", levels: [0.05, 0.04, 0.03], compression: true }, { type: "BINARY", rate: 0.1 }, { type: "MATCHING", generations: [0.1, 0.05] },
        { type: "MATRIX", width: 2, depth: 3, levels: [0.02, 0.02, 0.01] }, { type: "GENERATION", rank: "Bronze", generations: [0.03, 0.02] },
      ],
    });
    const rate = lineRates(shares);
    fc.assert(
      fc.property(networkArb, (r) => {
        const { lines } = computeRun(shares, build(r));
        for (let k = 0; k < lines.count; k++) {
          const b = lines.bonus[k]!;
          const product = lines.basis(k) * rate(b, lines.level[k]!);
          expect([b, lines.amount[k]]).toEqual([b, mulDiv(product, 1, 1e6, "HALF_UP")]);
        }
      }),
    );
  });

  it("compression never pays an inactive member and never skips an active one", () => {
    const unilevel = plan({ ...EXAMPLE_PLAN, payoutCap: undefined, bonuses: [{ type: "UNILEVEL", levels: [0.05, 0.04, 0.03], compression: true }] });
    fc.assert(
      fc.property(networkArb, (r) => {
        const input = build(r);
        const result = computeRun(unilevel, input);
        const { lines } = result;
        const paid = new Map<string, number>();
        for (let k = 0; k < lines.count; k++) {
          expect(result.active[lines.member[k]!]).toBe(1);
          paid.set(`${lines.member[k]}<-${lines.source[k]}`, lines.level[k]!);
        }
        // Walking up from every source with volume, the first three active uplines are paid at
        // levels 1, 2, 3, each line's path being the inactive members passed on the way.
        const pathOf = new Map<string, readonly number[]>();
        for (let k = 0; k < lines.count; k++) pathOf.set(`${lines.member[k]}<-${lines.source[k]}`, lines.path(k));
        for (let s = 0; s < input.ids.length; s++) {
          if (input.bv[s]! <= 0) continue;
          let level = 1;
          const passed: number[] = [];
          for (let a = input.sponsor[s]!; a >= 0 && level <= 3; a = input.sponsor[a]!) {
            if (!result.active[a]) {
              passed.push(a);
              continue;
            }
            const amount = Math.round((input.bv[s]! * [5, 4, 3][level - 1]!) / 100);
            if (amount > 0) expect([paid.get(`${a}<-${s}`), pathOf.get(`${a}<-${s}`)]).toEqual([level, passed]);
            level++;
          }
        }
      }),
    );
  });

  it("a rerun gives the same lines and hash", () => {
    fc.assert(
      fc.property(networkArb, (r) => {
        const a = computeRun(hybrid, build(r));
        const b = computeRun(hybrid, build(r));
        expect(runHash(build(r).ids, b.lines)).toBe(runHash(build(r).ids, a.lines));
        expect(Array.from(b.lines.amount.subarray(0, b.lines.count))).toEqual(Array.from(a.lines.amount.subarray(0, a.lines.count)));
      }),
      { numRuns: 50 },
    );
  });
});
