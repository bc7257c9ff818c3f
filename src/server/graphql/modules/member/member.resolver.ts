import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { memberService } from "@/server/domain/member/member.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import { can, isSelfOr } from "@/server/domain/shared/access";
import type { Context } from "../../context";
import { idCursor, toConnection } from "../../shared/connection";
import { parseMemberId } from "../../shared/ids";
import { payload } from "../../shared/payload";
import { requireViewer } from "../../shared/viewer";
import { MemberFilter, UpdateProfileInput } from "./member.input";
import { Member, MemberConnection, ProfileChange, SetMemberTagsPayload, UpdateProfilePayload } from "./member.type";

@Resolver(() => Member)
export class MemberResolver {
  @Query(() => Member, { nullable: true, description: "The signed-in member; null when signed out." })
  async me(@Ctx() ctx: Context): Promise<MemberRecord | null> {
    if (!ctx.viewer) return null;
    return ctx.self ?? memberService.findById(ctx.viewer.id);
  }

  @Query(() => Member, { description: "Yourself, your downline and your upline (admins: anyone)." })
  async member(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<MemberRecord> {
    return (await memberService.get(requireViewer(ctx), parseMemberId(id, "id")!)).member;
  }

  @Authorized("members.read")
  @Query(() => MemberConnection, { description: "All members, newest first (admins)." })
  async members(
    @Ctx() ctx: Context,
    @Arg("filter", () => MemberFilter, { nullable: true }) filter?: MemberFilter | null,
    @Arg("search", () => String, { nullable: true, description: "Words matched against name, e-mail and referral code." }) search?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = await memberService.list(requireViewer(ctx), filter ?? {}, search ?? null, first, parseMemberId(after, "after"));
    return toConnection(page, idCursor);
  }

  @Query(() => [ProfileChange], { description: "Changes to a profile, newest first (the member and admins)." })
  async profileHistory(
    @Arg("memberId", () => ID) memberId: string,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first = 100,
  ) {
    return memberService.profileHistory(requireViewer(ctx), parseMemberId(memberId, "memberId")!, first);
  }

  @Mutation(() => UpdateProfilePayload)
  updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const { memberId, ...patch } = input;
    return payload("member", () => memberService.updateProfile(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, patch));
  }

  @Mutation(() => SetMemberTagsPayload, { description: "Replaces a member's tags (staff with members.write): lower case, 1–32 letters, digits, - and _, at most 20. Loyalty segments select by them." })
  setMemberTags(@Arg("memberId", () => ID) memberId: string, @Arg("tags", () => [String]) tags: string[], @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    return payload("member", () => memberService.setTags(viewer, parseMemberId(memberId, "memberId")!, tags));
  }

  @FieldResolver(() => [String], { nullable: true, description: "Labels staff gave the member; null for those without members.read over them (the member included)." })
  tags(@Root() m: MemberRecord, @Ctx() ctx: Context): string[] | null {
    return can(ctx.viewer, "members.read", m) ? m.tags : null;
  }

  @FieldResolver(() => String, { nullable: true })
  email(@Root() m: MemberRecord, @Ctx() ctx: Context): string | null {
    return isSelfOr(ctx.viewer, "members.personal", m) ? m.email : null;
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() m: MemberRecord, @Ctx() ctx: Context): string | null {
    return isSelfOr(ctx.viewer, "members.personal", m) ? m.phone : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "YYYY-MM-DD, if the member gave it (personal data, like e-mail and phone)." })
  birthDate(@Root() m: MemberRecord, @Ctx() ctx: Context): string | null {
    return m.birthDate && isSelfOr(ctx.viewer, "members.personal", m) ? m.birthDate.toISOString().slice(0, 10) : null;
  }

  @FieldResolver(() => Member, { nullable: true, description: "Who recruited this member." })
  sponsor(@Root() m: MemberRecord, @Ctx() ctx: Context) {
    return m.sponsorId == null ? null : ctx.loaders.member.load(m.sponsorId);
  }

  @FieldResolver(() => Member, { nullable: true, description: "The member directly above in the placement tree." })
  placementParent(@Root() m: MemberRecord, @Ctx() ctx: Context) {
    return m.placementParentId == null ? null : ctx.loaders.member.load(m.placementParentId);
  }
}
