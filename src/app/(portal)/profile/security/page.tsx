import { Card, Title } from "@tremor/react";
import { SessionList } from "@/components/member/session-list";
import { TwoFactorSetup } from "@/components/member/two-factor-setup";
import { requirePageViewer } from "@/server/auth/session";
import { sessionService } from "@/server/domain/access/session.service";
import { twoFactorService } from "@/server/domain/access/two-factor.service";

export const metadata = { title: "Security" };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const viewer = await requirePageViewer();
  const [status, sessions] = await Promise.all([twoFactorService.status(viewer.id), sessionService.mine(viewer)]);
  const { required } = await searchParams;
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <h1 className="text-2xl font-semibold">Security</h1>
      {required && !status.enabled ? (
        <p className="rounded border border-amber-200 bg-amber-50 p-3 text-sm" role="alert">Your company asks everyone with a back-office role to use two-factor sign-in. Turn it on below to open the back office.</p>
      ) : null}
      <Card>
        <Title>Two-factor sign-in</Title>
        <div className="mt-3"><TwoFactorSetup enabled={status.enabled} recoveryCodesLeft={status.recoveryCodesLeft} /></div>
      </Card>
      <Card>
        <Title>Where you are signed in</Title>
        <div className="mt-3">
          <SessionList sessions={sessions.map((s) => ({ id: s.id, device: s.device, ip: s.ip, current: s.current, createdAt: s.createdAt.toISOString(), lastSeenAt: s.lastSeenAt.toISOString() }))} />
        </div>
      </Card>
      <Card>
        <Title>Your data</Title>
        <p className="mt-2 text-sm text-gray-600">
          Everything we hold about you (profile, orders, wallet and ledger, commissions, points, sign-ins, mails) as one JSON file
          other programs can read.
        </p>
        <a className="btn-secondary mt-3 inline-block" href="/api/exports/personal-data" data-testid="download-data">Download my data</a>
        <p className="mt-3 text-xs text-gray-500">To have your personal data erased, ask support: your money and volume records stay, anonymised.</p>
      </Card>
    </div>
  );
}
