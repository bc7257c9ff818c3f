import { type ClassType, Field, ObjectType, registerEnumType } from "type-graphql";

/**
 * A domain's input error type for mutation payloads: `<Name> { field code message }`
 * with `code` the domain's code set published as the enum `<Name>Code`.
 */
export function fieldErrorType(name: string, codes: Record<string, string>): ClassType {
  const codeEnum = { ...codes };
  registerEnumType(codeEnum, { name: `${name}Code` });

  @ObjectType(name, { description: "Why an input was refused: the input field (a path such as lines.0.quantity), a stable code, a message for people." })
  class InputFieldError {
    @Field(() => String) field!: string;
    @Field(() => codeEnum) code!: string;
    @Field(() => String) message!: string;
  }
  return InputFieldError;
}

/** `<name> { <key>: <node> errors: [<error>!]! }`: what every mutation returns (node may be a list: `[Node]`). */
export function payloadType(name: string, key: string, node: ClassType | [ClassType], error: ClassType): ClassType {
  @ObjectType(name)
  class Payload {
    @Field(() => [error]) errors!: unknown[];
  }
  Field(() => node, { nullable: true })(Payload.prototype, key);
  return Payload;
}
