import { ImageResponse } from "next/og";
import { loyaltyService } from "@/server/domain/loyalty/loyalty.service";

// The share card as a 1200×630 PNG (the size social networks preview): the member's first
// name and initial, the badge or tier, the company's mark and the referral code.

export const dynamic = "force-dynamic";

/**
 * Text the bundled font draws: Latin letters, digits and common punctuation. Anything else
 * (emoji, other scripts) would make the renderer fetch fonts from a CDN at request time,
 * which an offline or locked-down server cannot, and the image would fail.
 */
const drawable = (text: string, fallback = "") => text.replace(/[^\u0020-\u024F\u00B7\u2013\u2014\u2019]/gu, "").replace(/\s+/g, " ").trim() || fallback;

export async function GET(req: Request, { params }: { params: Promise<{ ref: string; achievement: string }> }) {
  const { ref, achievement } = await params;
  const card = await loyaltyService.shareCard(ref, achievement, new URL(req.url).searchParams.get("s") ?? "");
  if (!card) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain" } });
  const since = card.since ? card.since.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }) : null;
  return new ImageResponse(
    (
      <div style={{ width: "100%", height: "100%", display: "flex", flexDirection: "column", justifyContent: "space-between", padding: 64, background: card.kind === "TIER" ? "linear-gradient(135deg, #064e3b, #10b981)" : "linear-gradient(135deg, #78350f, #f59e0b)", color: "white", fontSize: 32 }}>
        <div style={{ display: "flex", alignItems: "center", gap: 16 }}>
          <div style={{ display: "flex", width: 64, height: 64, borderRadius: 16, background: "white", color: "#111827", alignItems: "center", justifyContent: "center", fontSize: 36, fontWeight: 700 }}>B</div>
          <div style={{ display: "flex", fontSize: 30, opacity: 0.9 }}>Back office · Rewards</div>
        </div>
        <div style={{ display: "flex", flexDirection: "column" }}>
          <div style={{ display: "flex", fontSize: 40, opacity: 0.9 }}>{drawable(card.name, "A member")} {card.kind === "TIER" ? "is a" : "earned the badge"}</div>
          <div style={{ display: "flex", fontSize: 96, lineHeight: 1.1 }}>{drawable(card.title, "Achievement")}</div>
          {card.description ? <div style={{ display: "flex", fontSize: 32, opacity: 0.9, marginTop: 12 }}>{drawable(card.description.slice(0, 90))}</div> : null}
        </div>
        <div style={{ display: "flex", justifyContent: "space-between", fontSize: 28, opacity: 0.9 }}>
          <div style={{ display: "flex" }}>{since ? `Since ${since}` : ""}</div>
          <div style={{ display: "flex" }}>Join with code {card.referralCode}</div>
        </div>
      </div>
    ),
    { width: 1200, height: 630, headers: { "cache-control": "public, max-age=3600" } },
  );
}
