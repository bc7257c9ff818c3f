import { Arg, Authorized, Ctx, Int, Query, Resolver } from "type-graphql";
import { communicationService } from "@/server/domain/communication/communication.service";
import type { Context } from "../../context";
import { toConnection } from "../../shared/connection";
import { requireViewer } from "../../shared/viewer";
import { OutboxMailConnection } from "./communication.type";

@Resolver()
export class CommunicationResolver {
  @Authorized("mail.read")
  @Query(() => OutboxMailConnection, { description: "The mail outbox, newest first (needs mail.read: it holds password-reset links)." })
  async outbox(
    @Ctx() ctx: Context,
    @Arg("to", () => String, { nullable: true, description: "Part of the address." }) to?: string | null,
    @Arg("kind", () => String, { nullable: true }) kind?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await communicationService.outbox(requireViewer(ctx), { to, kind }, first, after ?? null);
    return toConnection({ ...page, rows: page.rows.map((m) => ({ ...m, id: String(m.id), memberId: m.memberId == null ? null : String(m.memberId) })) }, (m) => m.id);
  }
}
