import Link from "next/link";
import { Card, Title } from "@tremor/react";
import { ProfileForm } from "@/components/member/profile-form";
import { ProfileHistory } from "@/components/member/profile-history";
import { COUNTRY_CODES, countryName } from "@/lib/countries";
import { formatDate } from "@/lib/format";
import { requirePageViewer } from "@/server/auth/session";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { memberService } from "@/server/domain/member/member.service";

export const metadata = { title: "Profile" };

export default async function ProfilePage() {
  const viewer = await requirePageViewer();
  const [me, history, config] = await Promise.all([
    memberService.findById(viewer.id),
    memberService.profileHistory(viewer, viewer.id),
    genealogyService.placementConfig(),
  ]);
  const countries = COUNTRY_CODES.map((c) => ({ code: c, name: countryName(c) })).sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <Card>
        <Title>Your profile</Title>
        <dl className="my-4 grid grid-cols-2 gap-2 text-sm">
          <dt className="text-gray-500">E-mail</dt><dd className="break-all">{me!.email}</dd>
          <dt className="text-gray-500">Referral code</dt><dd className="font-mono">{me!.referralCode}</dd>
          <dt className="text-gray-500">Member since</dt><dd>{formatDate(me!.joinedAt)}</dd>
          <dt className="text-gray-500">Sign-in</dt><dd><Link className="text-blue-700 hover:underline" href="/profile/security">Two-factor sign-in, devices and your data</Link></dd>
        </dl>
        <ProfileForm
          countries={countries}
          showLeg={config.type === "BINARY" && me!.role === "DISTRIBUTOR"}
          initial={{ memberId: String(me!.id), firstName: me!.firstName, lastName: me!.lastName, country: me!.country, phone: me!.phone, preferredLeg: me!.preferredLeg, birthDate: me!.birthDate?.toISOString().slice(0, 10) ?? "" }}
        />
      </Card>
      <Card>
        <Title>History</Title>
        <div className="mt-4"><ProfileHistory rows={history} /></div>
      </Card>
    </div>
  );
}
