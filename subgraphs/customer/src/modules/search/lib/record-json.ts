/**
 * A search hit carries its whole record, so the hits need no second query: the SQL builds one JSON
 * object of the record's scalar fields (exactly the fields a Prisma `findMany` returns, read from
 * the client's runtime data model), and `decode` turns it back into the values Prisma gives
 * (Date, BigInt, Decimal, bytes). Types JSON cannot carry exactly travel as text or epoch
 * milliseconds.
 */
import { Prisma } from '../../../__generated__/prisma/client.ts';

/** What the generated client knows of a model's fields (Prisma's runtime data model). */
export interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string | null;
}
export interface RuntimeDataModel {
  models: Record<string, { fields: readonly RuntimeField[] } | undefined>;
}

export interface RecordJson {
  /** SQL building the JSON text of the record in `row` (a row of the model's table, or a whole-row value). */
  sql: (row: string) => string;
  /** The record as Prisma returns it. */
  decode: (json: string) => Record<string, unknown>;
}

/** jsonb_build_object takes at most 100 arguments. */
const PAIRS_PER_CALL = 40;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

function sqlValue(field: RuntimeField, column: string): string {
  switch (field.type) {
    case 'DateTime':
      return `(extract(epoch from ${column}) * 1000)`;
    case 'BigInt':
    case 'Decimal':
      return `${column}::text`;
    case 'Bytes':
      return `encode(${column}, 'base64')`;
    default:
      return column;
  }
}

function decodeValue(type: string, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value) && type !== 'Json') return value.map((item: unknown) => decodeValue(type, item));
  switch (type) {
    case 'DateTime':
      return new Date(Number(value));
    case 'BigInt':
      return BigInt(String(value));
    case 'Decimal':
      return new Prisma.Decimal(String(value));
    case 'Bytes':
      return new Uint8Array(Buffer.from(String(value), 'base64'));
    default:
      return value;
  }
}

/** The record JSON of one model; throws when the data model does not know it. */
export function recordJson(dataModel: RuntimeDataModel, model: string): RecordJson {
  const fields = dataModel.models[model]?.fields.filter((field) => field.kind === 'scalar' || field.kind === 'enum');
  if (!fields?.length) throw new Error(`No scalar fields known for model ${model}`);
  const types = new Map(fields.map((field) => [field.name, field.type]));
  return {
    sql: (row) => {
      const pairs = fields.map((field) => `'${field.name}', ${sqlValue(field, `(${row}).${quoteIdent(field.dbName ?? field.name)}`)}`);
      const calls: string[] = [];
      for (let start = 0; start < pairs.length; start += PAIRS_PER_CALL) calls.push(`jsonb_build_object(${pairs.slice(start, start + PAIRS_PER_CALL).join(', ')})`);
      return `(${calls.join(' || ')})::text`;
    },
    decode: (json) => {
      const raw = JSON.parse(json) as Record<string, unknown>;
      const record: Record<string, unknown> = {};
      for (const [name, type] of types) record[name] = decodeValue(type, raw[name]);
      return record;
    },
  };
}
