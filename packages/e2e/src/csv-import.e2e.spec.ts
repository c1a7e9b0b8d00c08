/**
 * CSV import and export through the gateway on real PostgreSQL, Redis and Kafka: upload a file,
 * preview and configure the mapping, start, follow progress on `importProgress`, read the error
 * report, undo; malformed files are refused with the row and column at fault and write nothing;
 * exports stream a filtered list within the caller's scope.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createTenantWithUsers, gql, gqlOk, startRealStack, subscribe, subscribersReady } from '@crm/testkit';

let stack: Stack;
let origin: string;
let admin: string;
let rep: string;
let slug: string;
let users: { id: string }[];

beforeAll(async () => {
  stack = await startRealStack();
  origin = new URL(stack.gatewayUrl).origin;
  slug = `csv-${randomUUID().slice(0, 8)}`;
  const tenant = await createTenantWithUsers(stack, { name: 'CSV Inc', slug }, [
    { email: `admin@${slug}.test`, name: 'CSV Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` },
    { email: `rep@${slug}.test`, name: 'CSV Rep', role: 'SALES_REP', password: `pw-${randomUUID()}` },
  ]);
  admin = tenant.users[0]!.token;
  rep = tenant.users[1]!.token;
  users = tenant.users;
});
afterAll(async () => {
  await stack?.stop();
});

interface ApiError {
  message: string;
  extensions: { code: string; field?: string; row?: number; column?: number };
}

async function upload(body: string | Uint8Array, token: string | null, query = 'entity=CONTACT', type = 'text/csv') {
  const response = await fetch(`${origin}/imports?${query}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { id?: string; columns?: string[]; delimiter?: string; totalRows?: number; errors?: ApiError[] } };
}

const download = (path: string, token: string) => fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });

const JOB = /* GraphQL */ `
  query Job($id: ID!) {
    importJob(id: $id) {
      id status columns delimiter totalRows processedRows createdCount updatedCount skippedCount failedCount failure errorReportUrl
      mapping { column field }
      preview(first: 5) { rowNumber fields { field value } error { column reason } }
      errors(first: 10) { rowNumber column reason values }
    }
  }
`;
interface Job {
  id: string;
  status: string;
  columns: string[];
  delimiter: string;
  totalRows: number;
  processedRows: number;
  createdCount: number;
  updatedCount: number;
  skippedCount: number;
  failedCount: number;
  failure: string | null;
  errorReportUrl: string;
  mapping: { column: string; field: string }[];
  preview: { rowNumber: number; fields: { field: string; value: string | null }[]; error: { column: string | null; reason: string } | null }[];
  errors: { rowNumber: number; column: string | null; reason: string; values: string[] }[];
}
const job = async (id: string, token = admin) => (await gqlOk<{ importJob: Job | null }>(stack.gatewayUrl, JOB, { id }, { token })).importJob;

const CONTACTS = /* GraphQL */ `query ($filter: ContactFilter) { contactsConnection(first: 50, filter: $filter) { edges { node { id firstName lastName email phone lifecycleStage tags } } } }`;
type ContactRow = { id: string; firstName: string; lastName: string; email: string | null; phone: string | null; lifecycleStage: string; tags: string[] };
async function contactsWith(email: string): Promise<ContactRow[]> {
  const data = await gqlOk<{ contactsConnection: { edges: { node: ContactRow }[] } }>(stack.gatewayUrl, CONTACTS, { filter: { email: { eq: email } } }, { token: admin });
  return data.contactsConnection.edges.map((edge) => edge.node);
}

describe('CSV import', () => {
  it('uploads, previews, maps, runs with live progress, reports failed rows, and undoes', async () => {
    const existing = `grace-${slug}@example.com`;
    const ada = `ada-${slug}@example.com`;
    const created = await gqlOk<{ createContact: { id: string } }>(
      stack.gatewayUrl,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      { input: { firstName: 'Old', lastName: 'Name', email: existing, tags: ['keep'] } },
      { token: admin },
    );
    const csv = [
      'First Name,Last Name,E-mail,Phone,Stage,Tags,Notes',
      `Ada,Lovelace,${ada},+44 20 7946 0000,customer,vip;math,first`,
      `Grace,Hopper,${existing.toUpperCase()},,,navy,"quoted, with comma"`,
      'Alan,Turing,not-an-email,,,,',
      `Augusta,King,${ada},,lead,,"two ""quoted"" words"`,
      `,Nobody,nobody-${slug}@example.com,,,,`,
      'Too,Few,cells',
      '',
    ].join('\r\n');
    const uploaded = await upload(csv, admin, 'entity=CONTACT&fileName=people.csv');
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ columns: ['First Name', 'Last Name', 'E-mail', 'Phone', 'Stage', 'Tags', 'Notes'], delimiter: ',', totalRows: 6 });
    const id = uploaded.body.id!;

    const before = await job(id);
    expect(before!.status).toBe('UPLOADED');
    expect(before!.mapping).toEqual([
      { column: 'First Name', field: 'firstName' },
      { column: 'Last Name', field: 'lastName' },
      { column: 'E-mail', field: 'email' },
      { column: 'Phone', field: 'phone' },
      { column: 'Stage', field: 'lifecycleStage' },
      { column: 'Tags', field: 'tags' },
    ]);
    expect(before!.preview[0]).toMatchObject({ rowNumber: 2, error: null });
    expect(before!.preview[0]!.fields).toContainEqual({ field: 'lifecycleStage', value: 'CUSTOMER' });
    expect(before!.preview[2]).toMatchObject({ rowNumber: 4, error: { column: 'E-mail' } });
    expect(before!.preview[2]!.error!.reason).toMatch(/e-mail/i);

    // a mapping naming a column the file does not have is refused, naming the entry
    const bad = await gql(stack.gatewayUrl, `mutation ($id: ID!, $input: ConfigureImportInput!) { configureImport(id: $id, input: $input) { id } }`, {
      id,
      input: { mapping: [{ column: 'First Name', field: 'firstName' }, { column: 'Surname', field: 'lastName' }] },
    }, { token: admin });
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.extensions?.['field']).toBe('input.mapping.1');

    await gqlOk(stack.gatewayUrl, `mutation ($id: ID!, $input: ConfigureImportInput!) { configureImport(id: $id, input: $input) { id dedupPolicy } }`, {
      id,
      input: { dedupPolicy: 'UPDATE' },
    }, { token: admin });

    const live = subscribe<{ importProgress: { id: string; status: string; processedRows: number; createdCount: number; failedCount: number } }>(
      stack.wsUrl,
      admin,
      'subscription ($id: ID!) { importProgress(id: $id) { id status processedRows createdCount failedCount } }',
      { id },
    );
    try {
      await subscribersReady(stack.gateway, 1);
      const started = await gqlOk<{ startImport: { status: string } }>(stack.gatewayUrl, `mutation ($id: ID!) { startImport(id: $id) { status } }`, { id }, { token: admin });
      expect(started.startImport.status).toBe('QUEUED');
      const done = await live.next((payload) => payload.data?.importProgress.status === 'COMPLETED', 30_000);
      expect(done.data!.importProgress).toEqual({ id, status: 'COMPLETED', processedRows: 6, createdCount: 1, failedCount: 3 });
    } finally {
      await live.close();
    }

    const after = await job(id);
    expect(after).toMatchObject({ status: 'COMPLETED', totalRows: 6, processedRows: 6, createdCount: 1, updatedCount: 2, skippedCount: 0, failedCount: 3, failure: null });
    expect(after!.errors.map((error) => [error.rowNumber, error.column])).toEqual([
      [4, 'E-mail'],
      [6, null],
      [7, null],
    ]);
    expect(after!.errors[1]!.reason).toMatch(/firstName is required/);
    expect(after!.errors[2]!.reason).toMatch(/3 cells; the header has 7 columns/);

    // row 2 created Ada; row 5 (same e-mail) updated her; row 3 updated the existing contact
    const [adaRow] = await contactsWith(ada);
    expect(adaRow).toMatchObject({ firstName: 'Augusta', lastName: 'King', lifecycleStage: 'LEAD', phone: '+44 20 7946 0000', tags: ['vip', 'math'] });
    const [graceRow] = await contactsWith(existing);
    expect(graceRow).toMatchObject({ id: created.createContact.id, firstName: 'Grace', lastName: 'Hopper', tags: ['navy'] });

    const report = await download(after!.errorReportUrl, admin);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await report.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('row,column,reason,First Name,Last Name,E-mail,Phone,Stage,Tags,Notes');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^4,E-mail,.*,Alan,Turing,not-an-email,,,,$/);
    expect(lines[3]).toMatch(/^7,,.*,Too,Few,cells$/);

    const undone = await gqlOk<{ undoImport: { status: string } }>(stack.gatewayUrl, `mutation ($id: ID!) { undoImport(id: $id) { status } }`, { id }, { token: admin });
    expect(undone.undoImport.status).toBe('UNDONE');
    expect(await contactsWith(ada)).toEqual([]);
    const [restored] = await contactsWith(existing);
    expect(restored).toMatchObject({ id: created.createContact.id, firstName: 'Old', lastName: 'Name', tags: ['keep'] });
    const again = await gql(stack.gatewayUrl, `mutation ($id: ID!) { undoImport(id: $id) { status } }`, { id }, { token: admin });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
  });

  it('refuses malformed files with the row and column at fault, and stores nothing', async () => {
    const count = async () => (await gqlOk<{ importJobs: { edges: unknown[] } }>(stack.gatewayUrl, `{ importJobs(first: 100) { edges { cursor } } }`, {}, { token: rep })).importJobs.edges.length;
    const before = await count();
    const cases: [string | Uint8Array, RegExp, Partial<ApiError['extensions']>][] = [
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /not CSV: it looks like a PNG image/, { field: 'file' }],
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /Excel workbook/, { field: 'file' }],
      [Buffer.concat([Buffer.from('firstName,lastName\nJos,M'), Buffer.from([0xe9]), Buffer.from('ller\n')]), /not valid UTF-8.*line 2/, { field: 'file', row: 2 }],
      ['firstName,lastName\nAda,"Lovelace\nGrace,Hopper\n', /Row 2, column 2: a quoted field is never closed/, { field: 'file', row: 2, column: 2 }],
      ['firstName,lastName\n"Ada"x,Lovelace\n', /Row 2, column 1: unexpected text after a closing quote/, { field: 'file', row: 2, column: 1 }],
      [`firstName,lastName\nAda,${'x'.repeat(10 * 1024 * 1024)}\n`, /Row 2, column 2: the field is longer than 65536 characters/, { field: 'file', row: 2, column: 2 }],
      ['first name last name\nAda Lovelace\n', /single column.*no delimiter/, { field: 'delimiter', row: 1 }],
      ['firstName,lastName\n', /no data rows/, { field: 'file' }],
      ['', /empty/, { field: 'file' }],
    ];
    for (const [body, message, extensions] of cases) {
      const answer = await upload(body, rep);
      expect(answer.status, String(message)).toBe(400);
      expect(answer.body.errors![0]!.message).toMatch(message);
      expect(answer.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...extensions });
    }
    const wrongEntity = await upload('name\nx\n', rep, 'entity=DEAL');
    expect(wrongEntity.status).toBe(400);
    expect(wrongEntity.body.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'entity' });
    const json = await upload('{"firstName":"Ada"}', rep, 'entity=CONTACT', 'application/json');
    expect(json.status).toBe(415);
    const anonymous = await upload('firstName,lastName\nAda,Lovelace\n', null);
    expect(anonymous.status).toBe(401);
    expect(await count()).toBe(before);

    // a file with semicolons is read with its own delimiter
    const semicolons = await upload('Vorname;Nachname;Email\nAda;Lovelace;ada-semi@example.com\n', rep);
    expect(semicolons.status).toBe(201);
    expect(semicolons.body).toMatchObject({ delimiter: ';', columns: ['Vorname', 'Nachname', 'Email'], totalRows: 1 });
    expect(await count()).toBe(before + 1);
  });

  it('saves a column mapping per tenant and applies it to another file', async () => {
    const name = `Trade fair ${randomUUID().slice(0, 6)}`;
    const SAVE = `mutation ($input: SaveImportMappingInput!) { saveImportMapping(input: $input) { id name mapping { column field } } }`;
    const saved = await gqlOk<{ saveImportMapping: { id: string; mapping: { column: string; field: string }[] } }>(
      stack.gatewayUrl,
      SAVE,
      { input: { entity: 'CONTACT', name, mapping: [{ column: 'Given', field: 'firstName' }, { column: 'Family', field: 'lastName' }, { column: 'Mail', field: 'email' }] } },
      { token: admin },
    );
    expect(saved.saveImportMapping.mapping).toEqual([
      { column: 'Given', field: 'firstName' },
      { column: 'Family', field: 'lastName' },
      { column: 'Mail', field: 'email' },
    ]);
    const invalid = await gql(stack.gatewayUrl, SAVE, { input: { entity: 'CONTACT', name, mapping: [{ column: 'Given', field: 'shoeSize' }, { column: 'Family', field: 'lastName' }] } }, { token: admin });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.mapping.0' });
    const listed = await gqlOk<{ importMappings: { id: string; name: string }[] }>(stack.gatewayUrl, `{ importMappings(entity: CONTACT) { id name } }`, {}, { token: rep });
    expect(listed.importMappings).toContainEqual({ id: saved.saveImportMapping.id, name });

    const uploaded = await upload('Given,Family,Mail,Extra\nLin,Chen,lin@example.com,x\n', rep);
    const configured = await gqlOk<{ configureImport: { mapping: { column: string; field: string }[]; dedupPolicy: string } }>(
      stack.gatewayUrl,
      `mutation ($id: ID!, $input: ConfigureImportInput!) { configureImport(id: $id, input: $input) { dedupPolicy mapping { column field } } }`,
      { id: uploaded.body.id, input: { mappingId: saved.saveImportMapping.id, dedupPolicy: 'SKIP' } },
      { token: rep },
    );
    expect(configured.configureImport).toEqual({ dedupPolicy: 'SKIP', mapping: saved.saveImportMapping.mapping });
  });

  it('keeps imports to their uploader and exports only what the caller may read', async () => {
    const mark = randomUUID().slice(0, 8);
    const adminUpload = await upload(`firstName,lastName,email\nAdmin,Owned,admin-${mark}@example.com\n`, admin);
    const adminJob = adminUpload.body.id!;
    expect(await job(adminJob, rep)).toBeNull();
    expect((await download(`/imports/${adminJob}/errors.csv`, rep)).status).toBe(404);
    const denied = subscribe(stack.wsUrl, rep, 'subscription ($id: ID!) { importProgress(id: $id) { status } }', { id: adminJob });
    try {
      const answer = await denied.next(() => true, 15_000);
      expect(JSON.stringify(answer.errors)).toMatch(/NOT_FOUND/);
    } finally {
      await denied.close();
    }

    // the rep imports a contact (owned by the rep); the admin's contact stays out of the rep's export
    const repUpload = await upload(`firstName,lastName,email,tags\nRep,Owned,rep-${mark}@example.com,"a;b"\n`, rep);
    await gqlOk(stack.gatewayUrl, `mutation ($id: ID!) { startImport(id: $id) { id } }`, { id: repUpload.body.id }, { token: rep });
    await gqlOk(stack.gatewayUrl, `mutation ($id: ID!) { startImport(id: $id) { id } }`, { id: adminJob }, { token: admin });
    for (const [id, token] of [[repUpload.body.id!, rep], [adminJob, admin]] as const) {
      for (let attempt = 0; attempt < 200 && (await job(id, token))!.status !== 'COMPLETED'; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await job(id, token))!.status).toBe('COMPLETED');
    }
    const filter = encodeURIComponent(JSON.stringify({ email: { contains: `-${mark}@example.com` } }));
    const repExport = await download(`/exports/contacts.csv?filter=${filter}`, rep);
    expect(repExport.status).toBe(200);
    const repLines = (await repExport.text()).trimEnd().split('\r\n');
    expect(repLines[0]!.startsWith('id,firstName,lastName,email,phone,lifecycleStage,tags,ownerId,createdAt,updatedAt')).toBe(true);
    expect(repLines.slice(1).map((line) => line.split(',').slice(1, 4).join(','))).toEqual([`Rep,Owned,rep-${mark}@example.com`]);
    const adminLines = (await (await download(`/exports/contacts.csv?filter=${filter}&orderBy=${encodeURIComponent('[{"field":"EMAIL","direction":"ASC"}]')}`, admin)).text())
      .trimEnd()
      .split('\r\n');
    expect(adminLines.slice(1).map((line) => line.split(',')[3])).toEqual([`admin-${mark}@example.com`, `rep-${mark}@example.com`]);

    const badFilter = await download(`/exports/contacts.csv?filter=${encodeURIComponent('{"nope":{"eq":1}}')}`, admin);
    expect(badFilter.status).toBe(400);
    expect(((await badFilter.json()) as { errors: ApiError[] }).errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect((await download('/exports/deals.csv', admin)).status).toBe(404);
  });
});

/** Uploads, configures with UPDATE, starts and waits for the end of an import; returns the job. */
async function runImport(entity: string, csv: string, token = admin): Promise<Job> {
  const uploaded = await upload(csv, token, `entity=${entity}&fileName=${entity.toLowerCase()}s.csv`);
  expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  const id = uploaded.body.id!;
  await gqlOk(stack.gatewayUrl, `mutation ($id: ID!, $input: ConfigureImportInput!) { configureImport(id: $id, input: $input) { id } }`, { id, input: { dedupPolicy: 'UPDATE' } }, { token });
  await gqlOk(stack.gatewayUrl, `mutation ($id: ID!) { startImport(id: $id) { id } }`, { id }, { token });
  for (let attempt = 0; attempt < 300 && !['COMPLETED', 'FAILED'].includes((await job(id, token))!.status); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
  return (await job(id, token))!;
}

const reportLines = async (path: string) => (await (await download(path, admin)).text()).trimEnd().split('\r\n');
const undo = async (id: string) => (await gqlOk<{ undoImport: { status: string } }>(stack.gatewayUrl, `mutation ($id: ID!) { undoImport(id: $id) { status } }`, { id }, { token: admin })).undoImport.status;

describe('CSV import of custom fields', () => {
  it('reads a currency as "1,200.50 EUR", names a row whose amount it cannot read, and exports it back the same way', async () => {
    await gqlOk(
      stack.gatewayUrl,
      'mutation ($input: CreateCustomFieldDefinitionInput!) { createCustomFieldDefinition(input: $input) { id } }',
      { input: { entity: 'CONTACT', key: 'budget', label: 'Budget', type: 'CURRENCY' } },
      { token: admin },
    );
    const email = `budget-${slug}@example.com`;
    const done = await runImport('CONTACT', `firstName,lastName,email,Budget\nBea,Budget,${email},"1,200.50 EUR"\nBad,Money,bad-${email},12 QQQ\n`);
    expect(done).toMatchObject({ status: 'COMPLETED', createdCount: 1, failedCount: 1 });
    expect(done.errors.map((error) => [error.rowNumber, error.column])).toEqual([[3, 'Budget']]);

    const data = await gqlOk<{ contactsConnection: { edges: { node: { customField: { amountMinor: string; currency: string } | null } }[] } }>(
      stack.gatewayUrl,
      'query ($filter: ContactFilter) { contactsConnection(first: 5, filter: $filter) { edges { node { customField(key: "budget") { ... on CurrencyValue { amountMinor currency } } } } } }',
      { filter: { email: { eq: email } } },
      { token: admin },
    );
    expect(data.contactsConnection.edges.map((edge) => edge.node.customField)).toEqual([{ amountMinor: '120050', currency: 'EUR' }]);

    const lines = (await (await download(`/exports/contacts.csv?filter=${encodeURIComponent(JSON.stringify({ email: { eq: email } }))}`, admin)).text()).trimEnd().split('\r\n');
    const column = lines[0]!.split(',').indexOf('customFields.budget');
    expect(column).toBeGreaterThan(0);
    expect(lines[1]!.split(',')[column]).toBe('1200.50 EUR');
  });
});

describe('CSV import of accounts', () => {
  const ACCOUNT = /* GraphQL */ `query ($id: ID!) { account(id: $id) { id name domain industry employees annualRevenue { amountMinor currency } parent { id } owner { id } } }`;
  interface AccountRow {
    id: string;
    name: string;
    domain: string | null;
    industry: string | null;
    employees: number | null;
    annualRevenue: { amountMinor: string; currency: string } | null;
    parent: { id: string } | null;
    owner: { id: string } | null;
  }
  const account = async (id: string) => (await gqlOk<{ account: AccountRow | null }>(stack.gatewayUrl, ACCOUNT, { id }, { token: admin })).account;
  const byDomain = async (domain: string) =>
    (await gqlOk<{ accountsConnection: { edges: { node: AccountRow }[] } }>(stack.gatewayUrl, `query ($f: AccountFilter) { accountsConnection(first: 10, filter: $f) { edges { node { id name domain industry employees annualRevenue { amountMinor currency } parent { id } owner { id } } } } }`, { f: { domain: { eq: domain } } }, { token: admin })).accountsConnection.edges.map((edge) => edge.node);
  const create = async (input: Record<string, unknown>) =>
    (await gqlOk<{ createAccount: { id: string } }>(stack.gatewayUrl, `mutation ($input: CreateAccountInput!) { createAccount(input: $input) { id } }`, { input }, { token: admin })).createAccount.id;

  it('dedups by domain, else name, links parents by domain, names bad rows, refuses cycles, and undoes', async () => {
    const mark = randomUUID().slice(0, 8);
    const globex = await create({ name: 'Globex', domain: `globex-${mark}.example`, industry: 'Old' });
    const group = await create({ name: 'Initech Group', domain: `initech-${mark}.example` });
    const umbrella = await create({ name: `Umbrella ${mark}`, industry: 'Chemicals' });
    const csv = [
      'Company Name,Website,Industry,Employees,Revenue,Currency,Parent',
      `Globex Corporation,GLOBEX-${mark}.example,Energy,"1,200",2500000.50,usd,`,
      `Initech Sub,initech-sub-${mark}.example,Software,50,,,initech-${mark}.example`,
      'Hooli,,Tech,many,,,',
      `Initech Sub Two,,Software,,,,initech-sub-${mark}.example`,
      `Initech Group,initech-${mark}.example,,,,,initech-sub-${mark}.example`,
      `umbrella ${mark.toUpperCase()},,Pharma,,,,`,
    ].join('\n');
    const done = await runImport('ACCOUNT', csv);
    expect(done).toMatchObject({ status: 'COMPLETED', totalRows: 6, processedRows: 6, createdCount: 2, updatedCount: 2, failedCount: 2, failure: null });
    expect(done.mapping.map((entry) => entry.field)).toEqual(['name', 'domain', 'industry', 'employees', 'annualRevenue', 'revenueCurrency', 'parent']);
    expect(done.preview[0]!.fields).toEqual([
      { field: 'name', value: 'Globex Corporation' },
      { field: 'domain', value: `globex-${mark}.example` },
      { field: 'industry', value: 'Energy' },
      { field: 'employees', value: '1200' },
      { field: 'annualRevenue', value: '2500000.50' },
      { field: 'revenueCurrency', value: 'USD' },
      { field: 'parent', value: null },
    ]);
    expect(done.preview[2]).toMatchObject({ rowNumber: 4, error: { column: 'Employees' } });
    expect(done.errors.map((error) => [error.rowNumber, error.column])).toEqual([
      [4, 'Employees'],
      [6, 'Parent'],
    ]);
    expect(done.errors[0]!.reason).toMatch(/employees must be a whole number/);
    expect(done.errors[1]!.reason).toMatch(/its own ancestor/);

    expect(await account(globex)).toMatchObject({ name: 'Globex Corporation', domain: `globex-${mark}.example`, industry: 'Energy', employees: 1200, annualRevenue: { amountMinor: '250000050', currency: 'USD' } });
    expect(await account(umbrella)).toMatchObject({ industry: 'Pharma' });
    const [sub] = await byDomain(`initech-sub-${mark}.example`);
    expect(sub).toMatchObject({ name: 'Initech Sub', employees: 50, parent: { id: group }, owner: null });
    const subTwo = (await gqlOk<{ accountsConnection: { edges: { node: { id: string; parent: { id: string } | null } }[] } }>(stack.gatewayUrl, `query ($f: AccountFilter) { accountsConnection(first: 5, filter: $f) { edges { node { id parent { id } } } } }`, { f: { name: { eq: 'Initech Sub Two' } } }, { token: admin })).accountsConnection.edges;
    expect(subTwo.map((edge) => edge.node.parent?.id)).toEqual([sub!.id]);
    expect((await account(group))!.parent).toBeNull();

    const lines = await reportLines(done.errorReportUrl);
    expect(lines[0]).toBe('row,column,reason,Company Name,Website,Industry,Employees,Revenue,Currency,Parent');
    expect(lines[1]).toMatch(/^4,Employees,.*,Hooli,,Tech,many,,,$/);
    expect(lines).toHaveLength(3);

    expect(await undo(done.id)).toBe('UNDONE');
    expect(await byDomain(`initech-sub-${mark}.example`)).toEqual([]);
    expect(await account(globex)).toMatchObject({ name: 'Globex', industry: 'Old', employees: null, annualRevenue: null });
    expect(await account(umbrella)).toMatchObject({ industry: 'Chemicals' });
  });

  it('owns imported accounts as createAccount would for a sales rep', async () => {
    const mark = randomUUID().slice(0, 8);
    const done = await runImport('ACCOUNT', `name,domain\nRep Co ${mark},repco-${mark}.example\n`, rep);
    expect(done).toMatchObject({ status: 'COMPLETED', createdCount: 1 });
    const [created] = await byDomain(`repco-${mark}.example`);
    expect(created!.owner?.id).toBe(users[1]!.id);
  });

  it('fails a row whose owner is not a user of the tenant, naming its column, and imports the others', async () => {
    const mark = randomUUID().slice(0, 8);
    const outsider = await createTenantWithUsers(stack, { name: 'Other Inc', slug: `other-${mark}` }, [{ email: `admin@other-${mark}.test`, name: 'Other Admin', role: 'TENANT_ADMIN', password: `pw-${randomUUID()}` }]);
    const csv = ['name,domain,ownerId', `Owned ${mark},owned-${mark}.example,${users[1]!.id}`, `Stolen ${mark},stolen-${mark}.example,${outsider.users[0]!.id}`].join('\n');
    const done = await runImport('ACCOUNT', csv);
    expect(done).toMatchObject({ status: 'COMPLETED', createdCount: 1, failedCount: 1 });
    expect(done.errors.map((error) => [error.rowNumber, error.column, error.reason])).toEqual([[3, 'ownerId', 'ownerId must be a user of the tenant']]);
    expect((await byDomain(`owned-${mark}.example`))[0]!.owner?.id).toBe(users[1]!.id);
    expect(await byDomain(`stolen-${mark}.example`)).toEqual([]);
  });

  it('keeps saved account mappings apart from contact mappings and needs name mapped', async () => {
    const SAVE = `mutation ($input: SaveImportMappingInput!) { saveImportMapping(input: $input) { id } }`;
    const name = `CRM export ${randomUUID().slice(0, 6)}`;
    const saved = await gqlOk<{ saveImportMapping: { id: string } }>(stack.gatewayUrl, SAVE, { input: { entity: 'ACCOUNT', name, mapping: [{ column: 'Org', field: 'name' }, { column: 'Web', field: 'domain' }] } }, { token: admin });
    const noName = await gql(stack.gatewayUrl, SAVE, { input: { entity: 'ACCOUNT', name, mapping: [{ column: 'Web', field: 'domain' }] } }, { token: admin });
    expect(noName.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.mapping' });
    const contactField = await gql(stack.gatewayUrl, SAVE, { input: { entity: 'ACCOUNT', name, mapping: [{ column: 'Org', field: 'firstName' }] } }, { token: admin });
    expect(contactField.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.mapping.0' });
    const listed = async (entity: string) => (await gqlOk<{ importMappings: { id: string }[] }>(stack.gatewayUrl, `query ($e: ImportEntity!) { importMappings(entity: $e) { id } }`, { e: entity }, { token: admin })).importMappings.map((entry) => entry.id);
    expect(await listed('ACCOUNT')).toContain(saved.saveImportMapping.id);
    expect(await listed('CONTACT')).not.toContain(saved.saveImportMapping.id);
    // a contact import cannot take an account mapping
    const uploaded = await upload('Org,Web\nAcme,acme.example\n', admin);
    const wrong = await gql(stack.gatewayUrl, `mutation ($id: ID!, $input: ConfigureImportInput!) { configureImport(id: $id, input: $input) { id } }`, { id: uploaded.body.id, input: { mappingId: saved.saveImportMapping.id } }, { token: admin });
    expect(wrong.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });
});

describe('CSV import of leads', () => {
  const LEAD = /* GraphQL */ `{ id name email company source status score owner { id } scoreBreakdown { score items { rule points } } }`;
  interface LeadRow {
    id: string;
    name: string;
    email: string | null;
    company: string | null;
    source: string | null;
    status: string;
    score: number;
    owner: { id: string } | null;
    scoreBreakdown: { score: number; items: { rule: string; points: number }[] };
  }
  const leadsWith = async (email: string) =>
    (await gqlOk<{ leadsConnection: { edges: { node: LeadRow }[] } }>(stack.gatewayUrl, `query ($f: LeadFilter) { leadsConnection(first: 10, filter: $f) { edges { node ${LEAD} } } }`, { f: { email: { eq: email } } }, { token: admin })).leadsConnection.edges.map((edge) => edge.node);

  it('applies scoring and round-robin assignment as createLead does, updates by e-mail, names bad rows, and undoes', async () => {
    const [adminUser, repUser] = users;
    await gqlOk(
      stack.gatewayUrl,
      `mutation ($input: LeadScoringRulesInput!) { setLeadScoringRules(input: $input) { fieldRules { label } } }`,
      { input: { fieldRules: [{ label: 'Big company', points: 15, field: 'COMPANY', operator: 'CONTAINS', value: 'corp' }], eventRules: [] } },
      { token: admin },
    );
    for (let attempt = 0; ; attempt++) {
      const result = await gql(stack.gatewayUrl, `mutation ($rules: [LeadAssignmentRuleInput!]!) { setLeadAssignmentRules(rules: $rules) { id } }`, { rules: [{ name: 'Everyone', kind: 'ROUND_ROBIN', userIds: [repUser!.id, adminUser!.id] }] }, { token: admin });
      if (!result.errors?.length) break;
      expect(String(result.errors[0]?.message)).toMatch(/is not an active user/);
      expect(attempt).toBeLessThan(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const mark = randomUUID().slice(0, 8);
    const existing = `old-${mark}@example.com`;
    await gqlOk(stack.gatewayUrl, `mutation ($input: CreateLeadInput!) { createLead(input: $input) { id } }`, { input: { name: 'Old Lead', email: existing, company: 'Old Co', ownerId: repUser!.id } }, { token: admin });
    const [before] = await leadsWith(existing);
    expect(before).toMatchObject({ status: 'NEW', score: 0 });

    const csv = [
      'Name,Email,Company,Lead Source,Status',
      `Ada,ADA-${mark}@example.com,Analytical Corp,Fair,contacted`,
      `Bob,bob-${mark}@example.com,Small Shop,Web,`,
      `Old Lead Renamed,${existing.toUpperCase()},Mega Corp,,qualified`,
      `Carl,carl-${mark}@example.com,,,converted`,
      `,dan-${mark}@example.com,,,`,
    ].join('\n');
    const done = await runImport('LEAD', csv);
    expect(done).toMatchObject({ status: 'COMPLETED', totalRows: 5, createdCount: 2, updatedCount: 1, failedCount: 2 });
    expect(done.errors.map((error) => [error.rowNumber, error.column])).toEqual([
      [5, 'Status'],
      [6, null],
    ]);
    expect(done.errors[0]!.reason).toMatch(/CONVERTED only through convertLead/);
    expect(done.errors[1]!.reason).toMatch(/name is required/);

    const [ada] = await leadsWith(`ada-${mark}@example.com`);
    const [bob] = await leadsWith(`bob-${mark}@example.com`);
    expect(ada).toMatchObject({ name: 'Ada', company: 'Analytical Corp', source: 'Fair', status: 'CONTACTED', score: 15 });
    expect(ada!.scoreBreakdown.items.map((item) => item.points)).toEqual([15]);
    expect(bob).toMatchObject({ status: 'NEW', score: 0 });
    // consecutive turns of the rotation, as two createLead calls would take them
    expect(new Set([ada!.owner?.id, bob!.owner?.id])).toEqual(new Set([repUser!.id, adminUser!.id]));
    const [updated] = await leadsWith(existing);
    expect(updated).toMatchObject({ id: before!.id, name: 'Old Lead Renamed', company: 'Mega Corp', status: 'QUALIFIED', score: 15, owner: { id: repUser!.id } });

    const lines = await reportLines(done.errorReportUrl);
    expect(lines[0]).toBe('row,column,reason,Name,Email,Company,Lead Source,Status');
    expect(lines[1]).toMatch(new RegExp(`^5,Status,.*,Carl,carl-${mark}@example.com,,,converted$`));

    expect(await undo(done.id)).toBe('UNDONE');
    expect(await leadsWith(`ada-${mark}@example.com`)).toEqual([]);
    expect(await leadsWith(`bob-${mark}@example.com`)).toEqual([]);
    const [restored] = await leadsWith(existing);
    expect(restored).toMatchObject({ id: before!.id, name: 'Old Lead', company: 'Old Co', status: 'NEW', score: 0 });
  });
});
