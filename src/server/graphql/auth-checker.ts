import type { AuthChecker } from "type-graphql";
import { unauthenticated } from "@/server/domain/shared/access";
import type { Context } from "./context";

/** Roles only; ownership (is this in my downline?) is the services' business. */
export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  if (!context.viewer) throw unauthenticated();
  return roles.length === 0 || roles.includes(context.viewer.role);
};
