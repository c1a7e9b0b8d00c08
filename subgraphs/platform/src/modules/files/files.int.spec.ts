/**
 * Attachments on real PostgreSQL and the local disk: upload URL → streamed PUT → AVAILABLE → listed
 * on the record's entity → signed download; record readability, size, type, quota and token rules;
 * a real command-line virus scanner flagging the EICAR test string; deletion rights and its event;
 * GDPR erasure of a contact's files. The gateway's record check is replaced by a fixed list of
 * readable records (the end-to-end test runs the real one).
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, topicOf } from '@crm/events';
import { ANONYMOUS, IDENTITY_HEADER, signIdentity, type Identity } from '@crm/runtime';
import { graphql, seedTenant, startTestPlatform, TEST_SIGNING_SECRET, type TestPlatform } from '../../test-support.ts';
import type { RecordAccess } from './lib/record-access.ts';
import { fileKey, signDownload, signUploadToken } from './lib/signed-urls.ts';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const MAX_BYTES = 64 * 1024;
const FREE_QUOTA = 256 * 1024;
const poll = { timeout: 10_000, interval: 100 };

let t: TestPlatform;
let dir: string;
/** `<userId>:<recordId>` pairs the record check lets through. */
const readable = new Set<string>();
const recordAccess: RecordAccess = { canRead: async (identity, _type, recordId) => readable.has(`${identity.userId}:${recordId}`) };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crm-files-'));
  const scanner = join(dir, 'scan.sh');
  await writeFile(scanner, '#!/bin/sh\nif grep -q "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"; then echo "stdin: Eicar-Test-Signature FOUND"; exit 1; fi\nexit 0\n');
  await chmod(scanner, 0o755);
  t = await startTestPlatform({
    files: { directory: join(dir, 'store'), maxFileBytes: MAX_BYTES, planStorageBytes: { free: FREE_QUOTA }, scanCommand: scanner, recordAccess },
  });
});
afterAll(async () => {
  await t?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CREATE = `mutation($recordType: AttachmentRecordType!, $recordId: ID!, $fileName: String!, $contentType: String!, $size: Int!) {
  createAttachmentUpload(recordType: $recordType, recordId: $recordId, fileName: $fileName, contentType: $contentType, size: $size) {
    uploadUrl expiresAt attachment { id status fileName contentType size }
  }
}`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Deal { attachments { id fileName contentType size status sha256 statusReason downloadUrl uploadedBy { id } } }
  ... on Contact { attachments { id fileName status downloadUrl } }
} }`;

interface Upload {
  uploadUrl: string;
  attachment: { id: string; status: string; fileName: string; contentType: string; size: number };
}

async function createUpload(caller: Identity, recordType: string, recordId: string, fileName: string, contentType: string, size: number) {
  return graphql<{ createAttachmentUpload: Upload }>(t.url, caller, CREATE, { recordType, recordId, fileName, contentType, size });
}

/** The platform's side of `PUT /files/uploads/<token>`, signed as the gateway signs it. */
async function put(uploadUrl: string, body: Buffer | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) {
  const token = uploadUrl.replace('/files/uploads/', '');
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'PUT',
    headers: { [IDENTITY_HEADER]: signIdentity(ANONYMOUS('test'), TEST_SIGNING_SECRET), 'content-type': 'application/octet-stream', ...headers },
    body,
    ...(body instanceof Buffer ? {} : { duplex: 'half' }),
  };
  const response = await fetch(`${t.url}/internal/files/uploads/${token}`, init);
  return { status: response.status, body: (await response.json()) as { id?: string; status?: string; sha256?: string; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

async function download(downloadUrl: string) {
  return fetch(`${t.url}/internal${downloadUrl}`, { headers: { [IDENTITY_HEADER]: signIdentity(ANONYMOUS('test'), TEST_SIGNING_SECRET) } });
}

async function dealAttachments(caller: Identity, dealId: string) {
  const result = await graphql<{ _entities: Array<{ attachments: Array<Record<string, unknown> & { id: string; downloadUrl: string | null }> }> }>(t.url, caller, ENTITIES, {
    r: [{ __typename: 'Deal', id: dealId, createdAt: new Date().toISOString() }],
  });
  expect(result.errors).toBeUndefined();
  return result.data!._entities[0]!.attachments;
}

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x41)]);

async function seed() {
  const seeded = await seedTenant(t.platform);
  const dealId = randomUUID();
  readable.add(`${seeded.admin.id}:${dealId}`);
  readable.add(`${seeded.rep.id}:${dealId}`);
  return { ...seeded, dealId };
}

describe('upload and download', () => {
  it('streams an upload to disk, lists it on the deal and downloads the same bytes with safe headers', async () => {
    const { as, rep, dealId } = await seed();
    const bytes = pdf(40_000);
    const created = await createUpload(as.rep, 'DEAL', dealId, 'Q3 proposal.pdf', 'application/pdf', bytes.length);
    expect(created.errors).toBeUndefined();
    const { uploadUrl, attachment } = created.data!.createAttachmentUpload;
    expect(attachment).toMatchObject({ status: 'PENDING', fileName: 'Q3 proposal.pdf', contentType: 'application/pdf', size: 40_000 });
    expect(uploadUrl).toMatch(/^\/files\/uploads\/v1\./);

    const uploaded = await put(uploadUrl, bytes, { 'content-length': String(bytes.length) });
    expect(uploaded.status).toBe(200);
    expect(uploaded.body).toMatchObject({ id: attachment.id, status: 'AVAILABLE', sha256: (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex') });

    const [listed] = await dealAttachments(as.rep, dealId);
    expect(listed).toMatchObject({ id: attachment.id, status: 'AVAILABLE', size: 40_000, uploadedBy: { id: rep.id } });
    expect(listed!.downloadUrl).toMatch(new RegExp(`^/files/${attachment.id}\\?sig=`));

    const response = await download(listed!.downloadUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Q3 proposal.pdf"; filename*=UTF-8''Q3%20proposal.pdf`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    await expect.poll(() => t.published.some((event) => event.type === 'platform.attachment.uploaded' && event.aggregateId === attachment.id), poll).toBe(true);
  });

  it('accepts a chunked body of exactly the granted size', async () => {
    const { as, dealId } = await seed();
    const text = Buffer.from('Notes from the call\n'.repeat(50));
    const { uploadUrl } = (await createUpload(as.admin, 'DEAL', dealId, 'notes.txt', 'text/plain', text.length)).data!.createAttachmentUpload;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(text.subarray(0, 100));
        controller.enqueue(text.subarray(100));
        controller.close();
      },
    });
    expect((await put(uploadUrl, stream)).body.status).toBe('AVAILABLE');
  });

  it('refuses a record the caller may not read, and writes nothing', async () => {
    const { as, dealId } = await seed();
    const hidden = await createUpload(as.manager, 'DEAL', dealId, 'a.pdf', 'application/pdf', 100);
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await dealAttachments(as.admin, dealId)).toEqual([]);
  });

  it('refuses bad input with BAD_USER_INPUT or PAYLOAD_TOO_LARGE', async () => {
    const { as, dealId } = await seed();
    const exe = await createUpload(as.rep, 'DEAL', dealId, 'setup.exe', 'application/x-msdownload', 100);
    expect(exe.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentType' });
    const empty = await createUpload(as.rep, 'DEAL', dealId, '  ', 'application/pdf', 100);
    expect(empty.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'fileName' });
    const big = await createUpload(as.rep, 'DEAL', dealId, 'big.pdf', 'application/pdf', MAX_BYTES + 1);
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX_BYTES });
    const badId = await createUpload(as.rep, 'DEAL', 'not-an-id', 'a.pdf', 'application/pdf', 10);
    expect(badId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await dealAttachments(as.rep, dealId)).toEqual([]);
  });

  it("keeps each tenant within its plan's storage quota, counting uploads in progress", async () => {
    const { as, dealId } = await seed();
    for (let i = 0; i < 4; i++) expect((await createUpload(as.rep, 'DEAL', dealId, `part${i}.pdf`, 'application/pdf', MAX_BYTES)).errors).toBeUndefined();
    const over = await createUpload(as.rep, 'DEAL', dealId, 'one-more.pdf', 'application/pdf', 1);
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quotaBytes: FREE_QUOTA, usedBytes: FREE_QUOTA });
  });
});

describe('upload URLs', () => {
  it('are single use', async () => {
    const { as, dealId } = await seed();
    const bytes = pdf(1000);
    const { uploadUrl } = (await createUpload(as.rep, 'DEAL', dealId, 'a.pdf', 'application/pdf', bytes.length)).data!.createAttachmentUpload;
    expect((await put(uploadUrl, bytes)).status).toBe(200);
    const replay = await put(uploadUrl, bytes);
    expect(replay.status).toBe(409);
    expect(replay.body.errors?.[0]?.extensions.code).toBe('CONFLICT');
  });

  it('are refused once expired or when forged', async () => {
    const { as, tenant, rep, dealId } = await seed();
    const { attachment } = (await createUpload(as.rep, 'DEAL', dealId, 'a.pdf', 'application/pdf', 100)).data!.createAttachmentUpload;
    const expired = signUploadToken({ attachmentId: attachment.id, tenantId: tenant.id, userId: rep.id, size: 100, contentType: 'application/pdf', expiresAt: Date.now() - 1 }, fileKey(TEST_SIGNING_SECRET));
    const late = await put(`/files/uploads/${expired}`, pdf(100));
    expect(late.status).toBe(403);
    expect(late.body.errors?.[0]?.message).toMatch(/expired/);
    const forged = signUploadToken({ attachmentId: attachment.id, tenantId: tenant.id, userId: rep.id, size: 100, contentType: 'application/pdf', expiresAt: Date.now() + 60_000 }, fileKey('another secret of at least thirty-two chars'));
    expect((await put(`/files/uploads/${forged}`, pdf(100))).status).toBe(403);
  });

  it('refuse more bytes than granted (413), fewer (400) and content that is not the declared type (415)', async () => {
    const { as, dealId } = await seed();
    const granted = async (size: number, name = 'a.pdf') => (await createUpload(as.rep, 'DEAL', dealId, name, 'application/pdf', size)).data!.createAttachmentUpload;

    const declaredOver = await put((await granted(1000)).uploadUrl, pdf(1001), { 'content-length': '1001' });
    expect(declaredOver.status).toBe(413);
    expect(declaredOver.body.errors?.[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');

    const streamedOver = await granted(1000);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(pdf(800));
        controller.enqueue(Buffer.alloc(800, 0x41));
        controller.close();
      },
    });
    const over = await put(streamedOver.uploadUrl, stream);
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 'REJECTED' });

    const short = await put((await granted(1000)).uploadUrl, pdf(999), { 'content-length': '999' });
    expect(short.status).toBe(400);

    const renamed = await granted(1000, 'invoice.pdf');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(996, 0)]);
    const sniffed = await put(renamed.uploadUrl, exe);
    expect(sniffed.status).toBe(415);
    expect(sniffed.body.errors?.[0]).toMatchObject({ message: 'The file was refused: the file is a Windows executable, not application/pdf', extensions: { code: 'BAD_USER_INPUT', status: 'REJECTED' } });

    // nothing refused is listed or left on disk
    expect((await dealAttachments(as.rep, dealId)).filter((a) => a['status'] === 'AVAILABLE')).toEqual([]);
    const stored = await readdir(join(dir, 'store'), { recursive: true });
    expect(stored.filter((name) => name.includes(renamed.attachment.id) || name.includes(streamedOver.attachment.id))).toEqual([]);
  });
});

describe('virus scanning', () => {
  it('marks a file the scanner flags INFECTED, deletes its bytes and never serves it', async () => {
    const { as, tenant, dealId } = await seed();
    const bytes = Buffer.from(EICAR);
    const { uploadUrl, attachment } = (await createUpload(as.rep, 'DEAL', dealId, 'eicar.txt', 'text/plain', bytes.length)).data!.createAttachmentUpload;
    const flagged = await put(uploadUrl, bytes);
    expect(flagged.status).toBe(422);
    expect(flagged.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 'INFECTED' });

    const [listed] = await dealAttachments(as.rep, dealId);
    expect(listed).toMatchObject({ id: attachment.id, status: 'INFECTED', statusReason: 'stdin: Eicar-Test-Signature FOUND', downloadUrl: null });
    const sig = signDownload(attachment.id, tenant.id, Date.now() + 60_000, fileKey(TEST_SIGNING_SECRET));
    const response = await download(`/files/${attachment.id}?sig=${sig}`);
    expect(response.status).toBe(404);
    await expect.poll(() => t.published.some((event) => event.type === 'platform.attachment.infected' && event.aggregateId === attachment.id), poll).toBe(true);
  });
});

describe('downloads', () => {
  it('refuse forged, expired and other-tenant signatures', async () => {
    const { as, dealId } = await seed();
    const other = await seed();
    const bytes = pdf(500);
    const { uploadUrl, attachment } = (await createUpload(as.rep, 'DEAL', dealId, 'a.pdf', 'application/pdf', bytes.length)).data!.createAttachmentUpload;
    await put(uploadUrl, bytes);
    const [listed] = await dealAttachments(as.rep, dealId);
    const sig = new URL(listed!.downloadUrl!, 'http://x').searchParams.get('sig')!;
    const tampered = `${sig.slice(0, -2)}AA`;
    expect((await download(`/files/${attachment.id}?sig=${tampered}`)).status).toBe(403);
    const expired = signDownload(attachment.id, other.tenant.id, Date.now() - 1, fileKey(TEST_SIGNING_SECRET));
    expect((await download(`/files/${attachment.id}?sig=${expired}`)).status).toBe(403);
    // a valid signature for another tenant finds nothing (row-level security)
    const foreign = signDownload(attachment.id, other.tenant.id, Date.now() + 60_000, fileKey(TEST_SIGNING_SECRET));
    expect((await download(`/files/${attachment.id}?sig=${foreign}`)).status).toBe(404);
    // and the other tenant lists nothing for the deal id
    readable.add(`${other.admin.id}:${dealId}`);
    expect(await dealAttachments(other.as.admin, dealId)).toEqual([]);
  });

  it('are refused without the gateway signature', async () => {
    const response = await fetch(`${t.url}/internal/files/${randomUUID()}?sig=x`);
    expect(response.status).toBe(401);
  });
});

describe('deleteAttachment', () => {
  const DELETE = 'mutation($id: ID!) { deleteAttachment(id: $id) }';

  it('lets the uploader and a tenant admin delete, hides it from callers who cannot read the record, and emits an event', async () => {
    const { as, dealId } = await seed();
    const upload = async () => {
      const bytes = pdf(300);
      const { uploadUrl, attachment } = (await createUpload(as.rep, 'DEAL', dealId, 'a.pdf', 'application/pdf', bytes.length)).data!.createAttachmentUpload;
      await put(uploadUrl, bytes);
      return attachment.id;
    };
    const first = await upload();
    // the manager may not read the deal
    const hidden = await graphql(t.url, as.manager, DELETE, { id: first });
    expect(hidden.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const own = await graphql<{ deleteAttachment: string }>(t.url, as.rep, DELETE, { id: first });
    expect(own.data?.deleteAttachment).toBe(first);
    const second = await upload();
    const byAdmin = await graphql<{ deleteAttachment: string }>(t.url, as.admin, DELETE, { id: second });
    expect(byAdmin.data?.deleteAttachment).toBe(second);
    expect(await dealAttachments(as.rep, dealId)).toEqual([]);
    await expect.poll(() => t.published.filter((event) => event.type === 'platform.attachment.deleted').map((event) => event.aggregateId), poll).toEqual(expect.arrayContaining([first, second]));
    const again = await graphql(t.url, as.admin, DELETE, { id: second });
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('personal-data erasure', () => {
  it("deletes an erased contact's files and reports how many", async () => {
    const { as, tenant, admin } = await seed();
    const contactId = randomUUID();
    readable.add(`${admin.id}:${contactId}`);
    const bytes = pdf(200);
    const { uploadUrl, attachment } = (await createUpload(as.admin, 'CONTACT', contactId, 'passport.pdf', 'application/pdf', bytes.length)).data!.createAttachmentUpload;
    await put(uploadUrl, bytes);
    const erasureId = randomUUID();
    await t.bus.publish(topicOf('customer'), [
      createEvent({ type: 'customer.contact.erasure_requested', tenantId: tenant.id, actor: { userId: admin.id, kind: 'user' }, aggregateId: contactId, payload: { erasureId, contactId } }),
    ]);
    await expect.poll(() => t.published.find((event) => event.type === 'platform.personal_data.erased' && event.aggregateId === erasureId)?.payload, poll).toMatchObject({ erased: { attachments: 1 } });
    const stored = await readdir(join(dir, 'store', tenant.id)).catch(() => []);
    expect(stored).not.toContain(attachment.id);
    const entities = await graphql<{ _entities: Array<{ attachments: unknown[] }> }>(t.url, as.admin, ENTITIES, { r: [{ __typename: 'Contact', id: contactId, createdAt: new Date().toISOString() }] });
    expect(entities.data!._entities[0]!.attachments).toEqual([]);
  });
});
