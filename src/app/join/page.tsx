import Link from "next/link";
import { JoinForm } from "@/components/member/join-form";
import { COUNTRY_CODES, countryName } from "@/lib/countries";
import { fullName } from "@/lib/format";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";

export const metadata = { title: "Join" };
export const dynamic = "force-dynamic";

export default async function JoinPage({ searchParams }: { searchParams: Promise<{ ref?: string }> }) {
  const { ref } = await searchParams;
  const code = (ref ?? "").trim().toUpperCase();
  const sponsor = code ? await genealogyService.sponsorPreview(code) : null;
  const countries = COUNTRY_CODES.map((c) => ({ code: c, name: countryName(c) })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <main className="mx-auto max-w-lg px-4 py-10">
      <h1 className="mb-2 text-2xl font-semibold">Join the team</h1>
      <p className="mb-6 text-sm text-gray-600">Create your distributor account. You get your own referral link right away.</p>
      <JoinForm sponsorCode={code} sponsorName={sponsor ? fullName(sponsor) : null} countries={countries} />
      <p className="mt-6 text-sm text-gray-600">
        Already a member? <Link className="text-blue-700 underline" href="/login">Sign in</Link>.
      </p>
    </main>
  );
}
