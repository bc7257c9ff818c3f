import type { AuthChecker } from "type-graphql";
import { hasRole, unauthenticated } from "@/server/domain/shared/access";
import type { Context } from "./context";

/** Roles only; ownership (is this in my downline?) is the services' business. */
export const authChecker: AuthChecker<Context> = ({ context }, roles) => {
  if (!context.viewer) throw unauthenticated();
  return roles.length === 0 || roles.some((role) => hasRole(context.viewer, role));
};
