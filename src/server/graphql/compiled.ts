import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import { execute, getVariableValues, GraphQLError, type ExecutionResult, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { BoundedCache } from "@/server/domain/shared/bounded-cache";

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface["load"]>>["executor"]>;

/**
 * graphql-jit's error as GraphQL's own: jit's lacks `extensions` unless the original error
 * has some (Apollo reads extensions.code of every error). The resolver's error stays the
 * originalError, which formatError maps (access, input, rate limits).
 */
function asGraphQLError(e: GraphQLError): GraphQLError {
  const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError ?? undefined, extensions: e.extensions });
  if (e.locations) Object.defineProperty(error, "locations", { value: e.locations, enumerable: true });
  return error;
}

/** A document is compiled on its tenth use (before, GraphQL's own execution runs it); the integration tests compile at once. */
const COMPILE_AFTER = Math.max(1, Number(process.env.GRAPHQL_COMPILE_AFTER ?? 10) || 10);

/**
 * Executes each document compiled once by graphql-jit (the last 1,000 documents kept, by
 * Apollo's hash of the text and the operation): GraphQL's own execution walks the
 * document generically for every object of every answer (a downline page: fifty members,
 * their sponsors), which cost more CPU than the rest of the request. Apollo still parses,
 * validates (with the limits of armor.ts), runs the plugins and formats errors; only the
 * execution is compiled. A document graphql-jit cannot compile runs on GraphQL's own.
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compiled = new BoundedCache<string, CompiledQuery | null>(1_000);
  const uses = new Map<string, number>();
  const executor: GatewayExecutor = async (request) => {
    const key = `${request.operationName ?? ""}\n${request.queryHash}`;
    let query = compiled.get(key);
    if (query === undefined) {
      // Compiling costs more than executing once: only documents in use are compiled, so a
      // stream of one-off documents (a client exploring, or someone hostile) costs no more
      // than GraphQL's own execution.
      const n = (uses.get(key) ?? 0) + 1;
      if (uses.size >= 10_000) uses.clear();
      uses.set(key, n);
      if (n >= COMPILE_AFTER) {
        uses.delete(key);
        const result = compileQuery(schema, request.document, request.operationName ?? undefined);
        query = isCompiledQuery(result) ? result : null;
        compiled.set(key, query);
      }
    }
    const variables = request.request.variables ?? {};
    if (!query) return execute({ schema, document: request.document, contextValue: request.context, variableValues: variables, operationName: request.operationName });
    // Variables are coerced by GraphQL itself (graphql-jit refuses an input field left out
    // that has a default value, and its errors lack the node Apollo recognises a refused
    // variable by: 400 BAD_USER_INPUT); the compiled query gets them with defaults filled in
    // and coerces them again, which changes nothing for this schema (compiled.test.ts).
    const coerced = getVariableValues(schema, request.operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return { errors: coerced.errors };
    const result = (await query.query(undefined, request.context, coerced.coerced)) as ExecutionResult;
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };
  return {
    // Apollo asks for the schema this way: given at once, never updated.
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    load: async () => ({ executor }),
    stop: async () => undefined,
  };
}
