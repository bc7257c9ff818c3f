/** Why one input field was refused: the field, a stable code, a message for people. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** Bad input the caller can correct: becomes payload errors, never a top-level error. */
export class InputError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "InputError";
  }
}

export function fieldError(field: string, code: string, message: string): InputError {
  return new InputError([{ field, code, message }]);
}
