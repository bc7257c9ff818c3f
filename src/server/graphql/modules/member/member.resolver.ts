import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { MemberInputError } from "@/server/domain/member/member.errors";
import { memberService } from "@/server/domain/member/member.service";
import type { MemberRecord } from "@/server/domain/member/member.types";
import type { Context } from "../../context";
import { parseMemberId } from "../../ids";
import { requireViewer } from "../../viewer";
import { MemberFilter, RegisterMemberInput, UpdateProfileInput } from "./member.input";
import {
  Member, MemberConnection, ProfileChange, RegisterMemberPayload, UpdateProfilePayload,
} from "./member.type";

/** Turns refused input into payload errors; everything else propagates. */
async function withFieldErrors<T>(work: () => Promise<T>) {
  try {
    return { member: await work(), errors: [] };
  } catch (err) {
    if (err instanceof MemberInputError) return { member: null, errors: err.errors };
    throw err;
  }
}

function mayReadPrivate(ctx: Context, m: MemberRecord): boolean {
  return ctx.viewer != null && (ctx.viewer.role === "ADMIN" || ctx.viewer.id === m.id);
}

@Resolver(() => Member)
export class MemberResolver {
  @Query(() => Member, { nullable: true, description: "The signed-in member; null when signed out." })
  async me(@Ctx() ctx: Context): Promise<MemberRecord | null> {
    return ctx.viewer ? memberService.findById(ctx.viewer.id) : null;
  }

  @Query(() => Member, { description: "Yourself, your downline and your upline (admins: anyone)." })
  async member(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<MemberRecord> {
    return (await memberService.get(requireViewer(ctx), parseMemberId(id, "id")!)).member;
  }

  @Authorized("ADMIN")
  @Query(() => MemberConnection, { description: "All members, newest first (admins)." })
  async members(
    @Ctx() ctx: Context,
    @Arg("filter", () => MemberFilter, { nullable: true }) filter?: MemberFilter | null,
    @Arg("search", () => String, { nullable: true, description: "Words matched against name, e-mail and referral code." }) search?: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first = 50,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const result = await memberService.list(requireViewer(ctx), filter ?? {}, search ?? null, first, parseMemberId(after, "after"));
    const edges = result.rows.map((node) => ({ cursor: String(node.id), depth: null, node }));
    return { totalCount: result.totalCount, edges, pageInfo: { hasNextPage: result.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Query(() => [ProfileChange], { description: "Changes to a profile, newest first (the member and admins)." })
  async profileHistory(
    @Arg("memberId", () => ID) memberId: string,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first = 100,
  ) {
    return memberService.profileHistory(requireViewer(ctx), parseMemberId(memberId, "memberId")!, first);
  }

  @Mutation(() => RegisterMemberPayload, { description: "Public sign-up under a sponsor's referral code." })
  registerMember(@Arg("input", () => RegisterMemberInput) input: RegisterMemberInput) {
    return withFieldErrors(() => memberService.register(input));
  }

  @Mutation(() => UpdateProfilePayload)
  updateProfile(@Arg("input", () => UpdateProfileInput) input: UpdateProfileInput, @Ctx() ctx: Context) {
    const viewer = requireViewer(ctx);
    const { memberId, ...patch } = input;
    return withFieldErrors(() => memberService.updateProfile(viewer, parseMemberId(memberId, "memberId") ?? viewer.id, patch));
  }

  @FieldResolver(() => String, { nullable: true })
  email(@Root() m: MemberRecord, @Ctx() ctx: Context): string | null {
    return mayReadPrivate(ctx, m) ? m.email : null;
  }

  @FieldResolver(() => String, { nullable: true })
  phone(@Root() m: MemberRecord, @Ctx() ctx: Context): string | null {
    return mayReadPrivate(ctx, m) ? m.phone : null;
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
