import { InMemoryPlacementTree, placementWidth, planPlacement, type PlacementConfig } from "../../src/server/domain/genealogy/placement.rules";
import type { SqlDriver } from "../../src/server/db/driver";
import type { MemberRecord } from "../../src/server/domain/member/member.types";

/** Deterministic PRNG (mulberry32): the same seed gives the same company. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES: Record<string, { first: string[]; last: string[]; phone: string }> = {
  US: { first: ["James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "Chris", "Ashley"], last: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Moore", "Taylor"], phone: "+1202555" },
  MX: { first: ["José", "María", "Juan", "Guadalupe", "Luis", "Fernanda", "Carlos", "Sofía"], last: ["Hernández", "García", "Martínez", "López", "González", "Rodríguez", "Pérez"], phone: "+52551234" },
  BR: { first: ["Lucas", "Ana", "Gabriel", "Júlia", "Rafael", "Beatriz", "Pedro", "Larissa"], last: ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa"], phone: "+55119876" },
  GB: { first: ["Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Poppy"], last: ["Evans", "Thomas", "Roberts", "Walker", "Wright", "Hughes", "Green"], phone: "+44207946" },
  DE: { first: ["Lukas", "Mia", "Leon", "Hannah", "Finn", "Lea", "Jonas", "Emma"], last: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner"], phone: "+49301234" },
  FR: { first: ["Hugo", "Léa", "Louis", "Chloé", "Jules", "Manon", "Arthur", "Camille"], last: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit"], phone: "+33142123" },
  ES: { first: ["Alejandro", "Lucía", "Pablo", "Martina", "Daniel", "Paula", "Hugo", "Elena"], last: ["García", "Fernández", "González", "Rodríguez", "López", "Sánchez"], phone: "+34911234" },
  PL: { first: ["Jakub", "Zuzanna", "Kacper", "Julia", "Szymon", "Maja", "Filip", "Hanna"], last: ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski"], phone: "+48221234" },
  NG: { first: ["Chinedu", "Ngozi", "Emeka", "Adaeze", "Tunde", "Folake", "Ibrahim", "Amina"], last: ["Okafor", "Adeyemi", "Okeke", "Balogun", "Eze", "Bello", "Nwosu"], phone: "+23480123" },
  PH: { first: ["Juan", "Maria", "Jose", "Angel", "Mark", "Kristine", "John", "Jasmine"], last: ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza"], phone: "+63917123" },
  IN: { first: ["Aarav", "Ananya", "Vihaan", "Diya", "Arjun", "Isha", "Rohan", "Priya"], last: ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer"], phone: "+91981234" },
  JP: { first: ["Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Riku", "Sakura"], last: ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto"], phone: "+81312345" },
};
const COUNTRIES = Object.keys(NAMES);

/** A member as generated: depths and status follow from the paths and defaults. */
export type GeneratedMember = Omit<MemberRecord, "status" | "sponsorDepth" | "placementDepth" | "birthDate" | "tags"> & { placementFull: boolean };

/** A demo distributor's birth date, from their id (no draw from the seed's random stream): 1960 to 2003. */
export function demoBirthDate(id: number): string {
  return new Date(Date.UTC(1960, 0, 1) + ((id * 7919) % 16_000) * 86_400_000).toISOString().slice(0, 10);
}

export interface NetworkOptions {
  members: number;
  seed: number;
  placement: PlacementConfig;
  /** Picks the sponsor of member `index` (ids 1…index-1 exist; 1 is the root). */
  pickSponsor: (index: number, random: () => number, inLine: (id: number, ancestor: number) => boolean) => number;
  emailOf: (index: number, first: string, last: string) => string;
  since: Date;
  until: Date;
  firstId?: number;
}

function referralCode(id: number): string {
  // Distinct per id (base-32 of a bijective scramble of the id), 8 characters.
  const scrambled = (BigInt(id) * 0x9e3779b1n + 0x1234567n) % 1099511627776n;
  return scrambled.toString(32).toUpperCase().padStart(8, "Z");
}

/**
 * A company as one sponsor tree, placed with the same placement rules as sign-up.
 * Ids are in join order, so every sponsor precedes its recruits.
 */
export async function generateNetwork(opts: NetworkOptions): Promise<GeneratedMember[]> {
  const random = rng(opts.seed);
  const firstId = opts.firstId ?? 1;
  const tree = new InMemoryPlacementTree();
  const width = placementWidth(opts.placement);
  const members: GeneratedMember[] = [];
  const byId = (id: number) => members[id - firstId]!;
  const inLine = (id: number, ancestor: number) => byId(id).sponsorPath.includes(ancestor);
  const span = opts.until.getTime() - opts.since.getTime();
  const unilevel = opts.placement.type === "UNILEVEL";

  for (let i = 0; i < opts.members; i++) {
    const id = firstId + i;
    const country = COUNTRIES[Math.floor(random() * COUNTRIES.length)]!;
    const names = NAMES[country]!;
    const firstName = names.first[Math.floor(random() * names.first.length)]!;
    const lastName = names.last[Math.floor(random() * names.last.length)]!;
    const joinedAt = new Date(opts.since.getTime() + (span * (i + random() * 0.5)) / opts.members);
    const base = {
      id, firstName, lastName, country, joinedAt, role: "DISTRIBUTOR" as const,
      email: opts.emailOf(i, firstName, lastName),
      phone: `${names.phone}${String(100000 + (id % 900000)).slice(-6)}`,
      referralCode: referralCode(id),
      preferredLeg: random() < 0.5 ? ("LEFT" as const) : ("RIGHT" as const),
      placementFull: false,
    };
    if (i === 0) {
      tree.addRoot(id);
      members.push({ ...base, sponsorId: null, sponsorPath: [id], placementParentId: null, placementPosition: null, placementPath: [id] });
      continue;
    }
    const sponsor = byId(opts.pickSponsor(id, random, inLine));
    let parentId = sponsor.id;
    let position: number;
    if (unilevel) {
      // Same as planPlacement's UNILEVEL answer, without the per-node Map scan.
      position = tree.childrenOf(sponsor.id).size;
      tree.place(id, { parentId, position });
    } else {
      const slot = await planPlacement(opts.placement, sponsor, tree);
      tree.place(id, slot);
      parentId = slot.parentId;
      position = slot.position;
      if (tree.childrenOf(parentId).size >= width) byId(parentId).placementFull = true;
    }
    members.push({
      ...base,
      sponsorId: sponsor.id,
      sponsorPath: [...sponsor.sponsorPath, id],
      placementParentId: parentId,
      placementPosition: position,
      placementPath: unilevel ? [...sponsor.sponsorPath, id] : [...byId(parentId).placementPath, id],
    });
  }
  return members;
}

const pgArray = (a: number[]) => `{${a.join(",")}}`;

/** Writes members in batches with one INSERT … SELECT FROM unnest(…) each. */
export async function insertMembers(db: SqlDriver, members: GeneratedMember[], passwordHash: string, batch = 5000): Promise<void> {
  for (let from = 0; from < members.length; from += batch) {
    const rows = members.slice(from, from + batch);
    const col = <T>(f: (m: GeneratedMember) => T) => rows.map(f);
    await db.query(
      `INSERT INTO member (id, email, password_hash, first_name, last_name, country, phone, referral_code, role,
         preferred_leg, sponsor_id, sponsor_path, sponsor_depth, placement_parent_id, placement_position,
         placement_path, placement_depth, placement_full, joined_at, updated_at, birth_date)
       SELECT id, email, $13, first_name, last_name, country, phone, referral_code, role::"Role",
         preferred_leg::"Leg", sponsor_id, sp::int[], cardinality(sp::int[]) - 1, parent_id, position,
         pp::int[], cardinality(pp::int[]) - 1, full_, joined_at, joined_at, birth_date
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::int[], $11::text[], $12::int[], $14::int[], $15::text[], $16::bool[], $17::timestamptz[], $18::date[])
         AS t(id, email, first_name, last_name, country, phone, referral_code, role, preferred_leg, sponsor_id, sp,
              parent_id, position, pp, full_, joined_at, birth_date)`,
      [
        col((m) => m.id), col((m) => m.email), col((m) => m.firstName), col((m) => m.lastName), col((m) => m.country),
        col((m) => m.phone), col((m) => m.referralCode), col((m) => m.role), col((m) => m.preferredLeg),
        col((m) => m.sponsorId), col((m) => pgArray(m.sponsorPath)), col((m) => m.placementParentId), passwordHash,
        col((m) => m.placementPosition), col((m) => pgArray(m.placementPath)), col((m) => m.placementFull),
        col((m) => m.joinedAt.toISOString()), col((m) => demoBirthDate(m.id)),
      ],
    );
  }
  await db.query(`SELECT setval('member_id_seq', GREATEST((SELECT max(id) FROM member), 1))`);
}
