import { startServerAndCreateNextHandler } from "@as-integrations/next";
import type { NextRequest } from "next/server";
import { clientIp } from "@/server/auth/client-ip";
import { createContext, viewerFromRequest, type Context } from "@/server/graphql/context";
import { getApolloServer } from "@/server/graphql/server";

export const dynamic = "force-dynamic";

const handler = getApolloServer().then((server) =>
  startServerAndCreateNextHandler<NextRequest, Context>(server, {
    context: async (req) => {
      const ip = clientIp(req.headers);
      return createContext(await viewerFromRequest({ authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie"), ip }), ip);
    },
  }),
);

export async function GET(req: NextRequest) {
  return (await handler)(req);
}

export async function POST(req: NextRequest) {
  return (await handler)(req);
}
