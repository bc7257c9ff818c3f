import { startServerAndCreateNextHandler } from "@as-integrations/next";
import type { NextRequest } from "next/server";
import { createContext, viewerFromCookieHeader, type Context } from "@/server/graphql/context";
import { getApolloServer } from "@/server/graphql/server";

export const dynamic = "force-dynamic";

const handler = getApolloServer().then((server) =>
  startServerAndCreateNextHandler<NextRequest, Context>(server, {
    context: async (req) => createContext(await viewerFromCookieHeader(req.headers.get("cookie"))),
  }),
);

export async function GET(req: NextRequest) {
  return (await handler)(req);
}

export async function POST(req: NextRequest) {
  return (await handler)(req);
}
