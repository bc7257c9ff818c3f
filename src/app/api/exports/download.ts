import { isAccessError } from "@/server/domain/shared/access";

const STATUS = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404 } as const;

/**
 * A streamed download: each chunk is sent as it is made, and a cancelled download stops
 * the generator. The first chunk is made before answering, so a refusal (the services
 * check access when the generator starts) is a 401/403/404 with its message, not a
 * broken 200.
 */
export async function streamedDownload(chunks: AsyncGenerator<string>, filename: string, type = "text/csv; charset=utf-8"): Promise<Response> {
  let first: IteratorResult<string>;
  try {
    first = await chunks.next();
  } catch (err) {
    if (isAccessError(err)) return new Response(`${err.message}\n`, { status: STATUS[err.code as keyof typeof STATUS] ?? 403 });
    throw err;
  }
  const encoder = new TextEncoder();
  let pending: IteratorResult<string> | null = first;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = pending ?? (await chunks.next());
      pending = null;
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, { headers: { "content-type": type, "content-disposition": `attachment; filename="${filename}"` } });
}
