/** What the imports resolvers hand to field resolvers (see src/mappers.ts). */
import type { ImportJobModel } from '../../../__generated__/prisma/models.ts';
import type { Context } from '../../../context.ts';
import type { Viewer } from '../services/imports.ts';

/** A failed row, stored or from a preview. */
export interface RowErrorView {
  rowNumber: number;
  column: string | null;
  reason: string;
  values: string[];
}

export interface ImportJobPage {
  rows: ImportJobModel[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/** The caller as the imports service sees them. */
export const viewerOf = (context: Pick<Context, 'identity'>, tenantId: string): Viewer => ({ identity: context.identity, tenantId });
