import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";

// The public page a share link opens: the card, and a way to join the member's team (the
// link carries their referral code). Social networks read its Open Graph tags.

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ ref: string; achievement: string }>; searchParams: Promise<{ s?: string }> };

async function load({ params, searchParams }: Props) {
  const [{ ref, achievement }, { s }] = await Promise.all([params, searchParams]);
  const card = await loyaltyService.shareCard(ref, achievement, typeof s === "string" ? s : "");
  return card && { card, image: `/share/${ref}/${achievement}/image?s=${encodeURIComponent(s!)}` };
}

export async function generateMetadata(props: Props): Promise<Metadata> {
  const found = await load(props);
  if (!found) return { title: "Not found" };
  const title = `${found.card.name}: ${found.card.title}`;
  return {
    title,
    // Absolute image addresses for the networks that read them (NEXTAUTH_URL is the app's public address).
    metadataBase: new URL(process.env.NEXTAUTH_URL ?? "http://localhost:3000"),
    openGraph: { title, description: found.card.description || title, images: [{ url: found.image, width: 1200, height: 630 }] },
    twitter: { card: "summary_large_image", title, images: [found.image] },
  };
}

export default async function SharePage(props: Props) {
  const found = await load(props);
  if (!found) notFound();
  const { card, image } = found;
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      {/* eslint-disable-next-line @next/next/no-img-element -- a generated PNG of our own */}
      <img src={image} width={1200} height={630} alt={`${card.name}: ${card.title}`} className="h-auto w-full rounded-lg shadow" data-testid="share-card" />
      <div className="text-center">
        <p className="text-lg">{card.name} {card.kind === "TIER" ? "is a" : "earned"} <span className="font-semibold">{card.title}</span>.</p>
        <Link className="btn mt-4 inline-block" href={`/join?ref=${card.referralCode}`}>Join {card.name.split(" ")[0]}&apos;s team</Link>
      </div>
    </main>
  );
}
