"use client";
import { graphql } from "@/lib/graphql-client";

type Problem = { field: string; message: string };

/** What a payload mutation gave: its value, or the messages to show per field ("form" for the whole form). */
export interface MutationResult<T> {
  value: T | null;
  errors: Record<string, string>;
}

/** Runs a mutation whose payload is `{ <key>, errors }`. */
export async function mutate<T>(query: string, variables: Record<string, unknown>, name: string, key: string): Promise<MutationResult<T>> {
  const res = await graphql<Record<string, Record<string, unknown> & { errors?: Problem[] }>>(query, variables);
  const p = res.data?.[name];
  if (!p) return { value: null, errors: { form: res.errors?.[0]?.message ?? "Something went wrong." } };
  if (p.errors?.length) return { value: null, errors: Object.fromEntries(p.errors.map((e) => [e.field, e.message])) };
  return { value: p[key] as T, errors: {} };
}

/** A form's refusals, each with its field. */
export function Problems({ errors }: { errors: Record<string, string> }) {
  const list = Object.entries(errors);
  return list.length ? <ul className="field-error" role="alert">{list.map(([f, m]) => <li key={f}>{f === "form" ? m : `${f}: ${m}`}</li>)}</ul> : null;
}
