/**
 * Checks a document submitted as a persisted query: it must parse, hold exactly one operation,
 * and that operation must be a query (BI tools read; they never write through a saved query).
 * Fragments are allowed. Validation against the supergraph happens when the gateway runs it.
 */
import { createHash } from 'node:crypto';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { badInput } from '@crm/runtime';

export const MAX_DOCUMENT_LENGTH = 100_000;
/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit: safe in a URL path as it is. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export interface CheckedDocument {
  document: string;
  sha256: string;
  operationName: string | null;
  /** Whether the operation declares `$after` (a CSV export follows cursors through it). */
  paginates: boolean;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Parses and checks `document`; throws BAD_USER_INPUT (field `input.document`) with the reason. */
export function checkDocument(document: string): CheckedDocument {
  const field = 'input.document';
  if (document.trim() === '') throw badInput('document must not be empty', field);
  if (document.length > MAX_DOCUMENT_LENGTH) throw badInput(`document must be at most ${MAX_DOCUMENT_LENGTH} characters`, field);
  let parsed: DocumentNode;
  try {
    parsed = parse(document, { noLocation: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'syntax error';
    throw badInput(`document does not parse: ${reason}`, field);
  }
  const operations = parsed.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) throw badInput(`document must contain exactly one operation (found ${operations.length})`, field);
  const [operation] = operations as [OperationDefinitionNode];
  if (operation.operation !== 'query') throw badInput(`document must be a query, not a ${operation.operation}`, field);
  const others = parsed.definitions.filter((definition) => definition.kind !== Kind.OPERATION_DEFINITION && definition.kind !== Kind.FRAGMENT_DEFINITION);
  if (others.length > 0) throw badInput('document may hold only a query and its fragments', field);
  const paginates = (operation.variableDefinitions ?? []).some((variable) => variable.variable.name.value === 'after');
  return { document, sha256: sha256Hex(document), operationName: operation.name?.value ?? null, paginates };
}

/** Checks a persisted query name; throws BAD_USER_INPUT (field `input.name`). */
export function checkName(name: string, isId: (value: string) => boolean): string {
  if (!NAME_PATTERN.test(name)) {
    throw badInput('name must be 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit', 'input.name');
  }
  if (isId(name)) throw badInput('name must not look like an id (a UUID)', 'input.name');
  return name;
}

/** Whether a stored (already checked) document declares `$after`; false when it no longer parses. */
export function declaresAfter(document: string): boolean {
  try {
    return checkDocument(document).paginates;
  } catch {
    return false;
  }
}
