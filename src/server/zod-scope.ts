/**
 * Puts a plugin scope on Zod: schemas in its routes are Zod types (validated by Zod, rendered
 * to OpenAPI), and responses are serialized with JSON.stringify (response schemas there only
 * document the shape).
 */
import type { FastifyInstance } from "fastify";
import type { ZodType, z } from "zod";
import { zodValidatorCompiler } from "./zod-schema.js";

/** Sets the Zod validator and a plain JSON serializer on `app`'s scope. */
export function zodScope(app: FastifyInstance): void {
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** A validated request part, typed by its schema (the validator already ran). */
export function parsed<T extends ZodType>(_schema: T, value: unknown): z.infer<T> {
  return value as z.infer<T>;
}
