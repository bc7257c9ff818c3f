/**
 * Codes every domain uses. A domain's code set spreads these and adds its own:
 * `export const OrderErrorCode = { ...CommonErrorCode, OUT_OF_STOCK: "OUT_OF_STOCK" } as const`,
 * with a type of the same name (`CodeOf<typeof OrderErrorCode>`); the API publishes
 * each set as a GraphQL enum.
 */
export const CommonErrorCode = {
  REQUIRED: "REQUIRED",
  INVALID: "INVALID",
  TOO_LONG: "TOO_LONG",
  NOT_FOUND: "NOT_FOUND",
} as const;
export type CodeOf<T extends Record<string, string>> = T[keyof T];
export type CommonErrorCode = CodeOf<typeof CommonErrorCode>;

/** Why one input field was refused: the field, a stable code from the domain's enum, a message for people. */
export interface FieldError<C extends string = string> {
  field: string;
  code: C;
  message: string;
}

/**
 * Bad input the caller can correct, from any domain (typed by its code enum). The API
 * turns it into payload errors for mutations and BAD_USER_INPUT for query arguments;
 * forms show the messages at their fields. Never a stack trace.
 */
export class InputError<C extends string = string> extends Error {
  constructor(readonly errors: FieldError<C>[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "InputError";
  }
}

export function fieldError<C extends string>(field: string, code: C, message: string): InputError<C> {
  return new InputError([{ field, code, message }]);
}

/** Whether err is an InputError (by name: Next may load this module in more than one graph). */
export function isInputError(err: unknown): err is InputError {
  return (err as Error)?.name === "InputError";
}

/** Collects field errors while validating; `throwIfAny` ends the validation. */
export class FieldErrors<C extends string> {
  readonly list: FieldError<C>[] = [];

  add(field: string, code: C, message: string): this {
    this.list.push({ field, code, message });
    return this;
  }

  addAll(errors: readonly FieldError<C>[]): this {
    this.list.push(...errors);
    return this;
  }

  has(field: string): boolean {
    return this.list.some((e) => e.field === field);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new InputError<C>(this.list);
  }
}
