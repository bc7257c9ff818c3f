import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import { privacyService } from "@/server/domain/privacy/privacy.service";
import type { Context } from "../../context";
import { parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { ErasurePayload } from "./privacy.type";

@Resolver()
export class PrivacyResolver {
  @Mutation(() => ErasurePayload, {
    description:
      "Erases a member's personal data on their request (members.erase). Irreversible. Their data download is at GET /api/exports/personal-data.",
  })
  erasePersonalData(@Ctx() ctx: Context, @Arg("memberId", () => ID) memberId: string, @Arg("reason", () => String) reason: string) {
    const viewer = requireViewer(ctx);
    return payload("erasure", async () => {
      const r = await privacyService.erase(viewer, parseMemberId(memberId, "memberId")!, reason);
      return { ...r, memberId: String(r.memberId) };
    });
  }
}
