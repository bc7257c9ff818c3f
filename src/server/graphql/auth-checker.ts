import type { AuthChecker } from "type-graphql";
import { canSome, unauthenticated } from "@/server/domain/shared/access";
import { isPermission } from "@/server/domain/shared/permissions";
import type { Context } from "./context";

/**
 * `@Authorized()`: signed in. `@Authorized("orders.write", …)`: holding one of these
 * permissions for at least some members. Which members, and ownership (is this in my
 * downline?), are the services' business.
 */
export const authChecker: AuthChecker<Context> = ({ context }, permissions) => {
  if (!context.viewer) throw unauthenticated();
  return permissions.length === 0 || permissions.some((p) => isPermission(p) && canSome(context.viewer, p));
};
