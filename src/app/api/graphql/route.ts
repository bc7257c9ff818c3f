import { startServerAndCreateNextHandler } from "@as-integrations/next";
import { NextRequest } from "next/server";
import { clientIp } from "@/server/auth/client-ip";
import { callerFromRequest, createContext, type Context } from "@/server/graphql/context";
import { getApolloServer } from "@/server/graphql/server";

export const dynamic = "force-dynamic";

const handler = getApolloServer().then((server) =>
  startServerAndCreateNextHandler<NextRequest, Context>(server, {
    context: async (req) => {
      const ip = clientIp(req.headers);
      const caller = await callerFromRequest({ authorization: req.headers.get("authorization"), cookie: req.headers.get("cookie"), ip });
      return createContext(caller.viewer, ip, caller.self);
    },
  }),
);

export async function GET(req: NextRequest) {
  return (await handler)(req);
}

/** The largest request body taken (a document is at most 20 kB; variables take the rest). */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

const refuse = (status: number, code: string, message: string) =>
  Response.json({ errors: [{ message, extensions: { code } }] }, { status });

/**
 * POST: a body that is not JSON (broken, truncated, not UTF-8) is answered 400 here with
 * a GraphQL-shaped error; the Apollo integration would let the parse failure out as a 500.
 */
export async function POST(req: NextRequest) {
  if (!/^application\/json\b/i.test(req.headers.get("content-type") ?? "")) return (await handler)(req);
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return refuse(413, "PAYLOAD_TOO_LARGE", `The request is larger than ${MAX_BODY_BYTES} bytes.`);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) return refuse(413, "PAYLOAD_TOO_LARGE", `The request is larger than ${MAX_BODY_BYTES} bytes.`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    JSON.parse(text);
  } catch {
    return refuse(400, "BAD_REQUEST", "The body is not valid JSON (UTF-8).");
  }
  const headers = new Headers(req.headers);
  headers.set("content-type", "application/json");
  return (await handler)(new NextRequest(req.url, { method: "POST", headers, body: text }));
}
