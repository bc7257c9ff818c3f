import { currentSdl } from "@/server/graphql/sdl";

export const dynamic = "force-dynamic";

/** GET /api/schema: the API's schema as SDL (the same as schema.graphql in the repository). */
export async function GET(): Promise<Response> {
  return new Response(await currentSdl(), { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "public, max-age=300" } });
}
