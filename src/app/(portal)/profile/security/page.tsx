import { Card, Title } from "@tremor/react";
import { TwoFactorSetup } from "@/components/member/two-factor-setup";
import { requirePageViewer } from "@/server/auth/session";
import { twoFactorService } from "@/server/domain/access/two-factor.service";

export const metadata = { title: "Security" };

export default async function SecurityPage({ searchParams }: { searchParams: Promise<{ required?: string }> }) {
  const viewer = await requirePageViewer();
  const status = await twoFactorService.status(viewer.id);
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
    </div>
  );
}
