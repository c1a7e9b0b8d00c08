/** Recognises the database errors that are part of the domain (e.g. a taken slug). */
import { Prisma } from '../__generated__/prisma/client.ts';

/** True when a unique constraint rejected the write (Prisma code P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
