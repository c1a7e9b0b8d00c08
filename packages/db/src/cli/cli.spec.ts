import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deriveMigrationUrl } from '../database.ts';
import { migrationSlug, migrationTimestamp } from './create-migration.ts';
import { databaseConfigFor, isDomain } from './migrate.ts';

describe('migration names', () => {
  it('use a UTC yyyyMMddHHmmss timestamp and a lower-case slug', () => {
    expect(migrationTimestamp(new Date(Date.UTC(2026, 10, 5, 7, 8, 9)))).toBe('20261105070809');
    expect(migrationSlug('Add deal line-items!')).toBe('add_deal_line_items');
    expect(() => migrationSlug(' -- ')).toThrow(/Invalid migration name/);
  });
});

describe('databaseConfigFor', () => {
  it('uses PostgreSQL when DATABASE_URL_<DOMAIN> is set, with an optional owner URL', () => {
    expect(databaseConfigFor('sales', { DATABASE_URL_SALES: 'postgresql://crm_app:crm_app@db:5432/crm_sales' })).toEqual({
      kind: 'postgres',
      url: 'postgresql://crm_app:crm_app@db:5432/crm_sales',
    });
    expect(
      databaseConfigFor('sales', { DATABASE_URL_SALES: 'postgresql://a@db/x', MIGRATION_DATABASE_URL_SALES: 'postgresql://owner@db/x' }),
    ).toEqual({ kind: 'postgres', url: 'postgresql://a@db/x', migrationUrl: 'postgresql://owner@db/x' });
  });

  it('falls back to PGlite under DATA_DIR (default .data), one folder per domain', () => {
    expect(databaseConfigFor('customer', {})).toEqual({ kind: 'pglite', dataDir: path.resolve('.data', 'customer') });
    expect(databaseConfigFor('customer', { DATA_DIR: '/var/crm', DATABASE_URL_SALES: 'postgresql://x' })).toEqual({
      kind: 'pglite',
      dataDir: '/var/crm/customer',
    });
  });

  it('knows the five domains', () => {
    expect(isDomain('analytics')).toBe(true);
    expect(isDomain('billing')).toBe(false);
  });
});

describe('deriveMigrationUrl', () => {
  it('keeps server, database and options, and connects as postgres without a password', () => {
    expect(deriveMigrationUrl('postgresql://crm_app:secret@127.0.0.1:5432/crm_sales?sslmode=disable')).toBe(
      'postgresql://postgres@127.0.0.1:5432/crm_sales?sslmode=disable',
    );
  });
});
