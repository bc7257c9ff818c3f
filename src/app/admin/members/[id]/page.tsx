import { Card, Metric, Text, Title } from "@tremor/react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdjustWalletForm } from "@/components/admin/adjust-wallet-form";
import { MemberPrivacyActions } from "@/components/admin/member-privacy-actions";
import { MemberTagsForm } from "@/components/admin/member-tags-form";
import { ProfileHistory } from "@/components/member/profile-history";
import { countryName } from "@/lib/countries";
import { formatCount, formatDate, formatMoney, fullName } from "@/lib/format";
import { defaultCurrencyFor } from "@/lib/money";
import { requirePageViewer } from "@/server/auth/session";
import { accessService } from "@/server/domain/access/access.service";
import { sessionService } from "@/server/domain/access/session.service";
import { genealogyService } from "@/server/domain/genealogy/genealogy.service";
import { memberService } from "@/server/domain/member/member.service";
import { pageFrom } from "@/server/domain/shared/page";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { walletService } from "@/server/domain/wallet/wallet.service";

function MemberLink({ m }: { m: MemberRecord | null | undefined }) {
  return m ? <Link className="text-blue-700 hover:underline" href={`/admin/members/${m.id}`}>{fullName(m)}</Link> : <span className="text-gray-400">—</span>;
}

export default async function MemberDetailPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ after?: string }> }) {
  const viewer = await requirePageViewer("members.read");
  const id = Number((await params).id);
  const given = (await searchParams).after;
  const after = typeof given === "string" && given.length <= 200 ? given : null;
  if (!Number.isInteger(id) || id < 1) notFound();
  // Only members the viewer's members.read covers (a sub-admin for Germany: German members).
  // (Being in the viewer's own upline or downline is for the portal, not for this page.)
  const found = (await accessService.covers(viewer, id, "members.read")) ? await memberService.get(viewer, id).catch(() => null) : null;
  if (!found) notFound();
  const { member, visibility } = found;
  const personal = visibility === "FULL";
  const [mayWallet, mayAdjust, mayWrite, mayErase] = await Promise.all([
    accessService.covers(viewer, id, "wallets.read"), accessService.covers(viewer, id, "wallets.adjust"),
    accessService.covers(viewer, id, "members.write"), accessService.covers(viewer, id, "members.erase"),
  ]);
  const erased = member.status === "ERASED";
  const inTree = member.sponsorPath.length > 0;
  const downlinePage = (cursor: string | null) => genealogyService.downline(viewer, { memberId: id, tree: "SPONSOR", maxDepth: 2, first: 25, after: cursor });
  const [sponsor, parent, history, stats, downline, balances] = await Promise.all([
    member.sponsorId ? memberService.findById(member.sponsorId) : null,
    member.placementParentId ? memberService.findById(member.placementParentId) : null,
    personal ? memberService.profileHistory(viewer, id) : null,
    inTree ? genealogyService.teamStats(viewer, id, "SPONSOR") : null,
    inTree ? pageFrom(downlinePage, after) : null,
    mayWallet ? walletService.balances(viewer, id) : null,
  ]);
  const sessions = personal && !erased ? (await sessionService.list(viewer, id)).length : null;
  const currencies = [...new Set([...(balances ?? []).map((b) => b.currency), defaultCurrencyFor(member.country), "USD", "EUR", "GBP"])];
  const position = member.placementPosition == null ? "" : ` (position ${member.placementPosition})`;
  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/members" className="text-sm text-blue-700 hover:underline">← Members</Link>
        <h1 className="mt-2 text-2xl font-semibold" data-testid="member-name">{fullName(member)}</h1>
        <p className="text-sm text-gray-500">{member.role === "ADMIN" ? "Staff" : "Distributor"} · {member.status.toLowerCase()} · joined {formatDate(member.joinedAt)}</p>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card>
          <Title>Profile</Title>
          <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
            <dt className="text-gray-500">E-mail</dt><dd className="break-all">{personal ? member.email : "hidden (personal data)"}</dd>
            <dt className="text-gray-500">Phone</dt><dd>{personal ? member.phone : "hidden (personal data)"}</dd>
            <dt className="text-gray-500">Country</dt><dd>{countryName(member.country)}</dd>
            <dt className="text-gray-500">Referral code</dt><dd className="font-mono">{member.referralCode}</dd>
            <dt className="text-gray-500">Sponsor</dt><dd><MemberLink m={sponsor} /></dd>
            <dt className="text-gray-500">Placed under</dt><dd><MemberLink m={parent} />{parent ? position : ""}</dd>
            <dt className="text-gray-500">Levels (sponsor / placement)</dt><dd>{member.sponsorDepth} / {member.placementDepth}</dd>
          </dl>
          <MemberTagsForm memberId={member.id} tags={member.tags} mayEdit={mayWrite && !erased} />
        </Card>
        {stats ? (
          <Card>
            <Title>Team</Title>
            <div className="mt-3 grid grid-cols-3 gap-2">
              <div><Text>Team size</Text><Metric>{formatCount(stats.teamSize)}</Metric></div>
              <div><Text>Directs</Text><Metric>{formatCount(stats.directs)}</Metric></div>
              <div><Text>New this week</Text><Metric>{formatCount(stats.newThisWeek)}</Metric></div>
            </div>
          </Card>
        ) : null}
      </div>
      {balances ? (
      <Card>
        <Title>Wallet</Title>
        <div className="mt-2 flex flex-wrap gap-6 text-sm" data-testid="member-wallet">
          {balances.length === 0 ? <Text>Empty.</Text> : balances.map((b) => (
            <div key={b.currency}>
              <Text>{b.currency}</Text>
              <p className="text-lg font-semibold tabular-nums">{formatMoney(b.available, b.currency)}</p>
              {Number(b.held) > 0 ? <Text className="text-xs">{formatMoney(b.held, b.currency)} held</Text> : null}
            </div>
          ))}
          <Link className="self-end text-blue-700 hover:underline" href={`/admin/ledger?owner=${member.id}`}>Ledger accounts</Link>
        </div>
        {mayAdjust ? <AdjustWalletForm memberId={member.id} currencies={currencies} /> : null}
      </Card>
      ) : null}
      {downline ? (
        <Card className="overflow-x-auto">
          <Title>Downline (two levels: {formatCount(downline.totalCount)})</Title>
          <table className="mt-3 min-w-full text-left text-sm">
            <thead className="text-xs uppercase text-gray-500"><tr><th className="py-2 pr-4">Level</th><th className="pr-4">Name</th><th className="pr-4">Country</th><th>Joined</th></tr></thead>
            <tbody className="divide-y divide-gray-100">
              {downline.rows.map((e) => (
                <tr key={e.node.id}><td className="py-1.5 pr-4">{e.depth}</td><td className="pr-4"><MemberLink m={e.node} /></td><td className="pr-4">{e.node.country}</td><td>{formatDate(e.node.joinedAt)}</td></tr>
              ))}
            </tbody>
          </table>
          <div className="mt-3 flex gap-4 text-sm">
            {after ? <Link className="text-blue-700 hover:underline" href={`/admin/members/${id}`}>First page</Link> : null}
            {downline.hasNextPage ? <Link className="text-blue-700 hover:underline" href={`/admin/members/${id}?after=${encodeURIComponent(downline.rows.at(-1)!.cursor)}`} data-testid="downline-next">Next 25</Link> : null}
          </div>
        </Card>
      ) : null}
      {(personal || mayWrite || mayErase) && !erased ? (
        <Card>
          <Title>Privacy and sign-in</Title>
          <div className="mt-3">
            <MemberPrivacyActions memberId={id} sessions={sessions} maySignOut={mayWrite} mayDownload={personal} mayErase={mayErase && viewer.id !== id} />
          </div>
        </Card>
      ) : null}
      {erased ? <p className="rounded border border-gray-200 bg-gray-50 p-3 text-sm" data-testid="erased-note">This member&apos;s personal data was erased. Their ledger, orders, volumes and commissions stay, anonymised.</p> : null}
      {history ? (
        <Card>
          <Title>Profile history</Title>
          <div className="mt-3"><ProfileHistory rows={history} /></div>
        </Card>
      ) : null}
    </div>
  );
}
