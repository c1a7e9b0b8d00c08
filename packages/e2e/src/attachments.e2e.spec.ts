/**
 * Attachments through the gateway on real PostgreSQL, Kafka and Redis, files on the local disk:
 * upload URLs from `createAttachmentUpload` (the record checked through the gateway as the caller),
 * bytes streamed with `PUT /files/uploads/<token>`, listed on `Deal.attachments` and
 * `Contact.attachments`, downloaded with `GET /files/<id>?sig=`; role scopes, tenant isolation,
 * size, type and quota limits, single-use and expiring upload URLs, and a real command-line virus
 * scanner (a shell script) flagging the EICAR test string, and erasure of a contact deleting its files.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@crm/stack';
import { createDeal, createPipeline, createTenantWithUsers, gql, gqlOk, startRealStack, STANDARD_STAGES } from '@crm/testkit';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const MAX_BYTES = 64 * 1024;
const FREE_QUOTA = 256 * 1024;
const UPLOAD_TTL_MS = 10_000;

let stack: Stack;
let origin: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crm-attachments-'));
  const scanner = join(dir, 'scan.sh');
  await writeFile(scanner, '#!/bin/sh\nif grep -q "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"; then echo "stdin: Eicar-Test-Signature FOUND"; exit 1; fi\nexit 0\n');
  await chmod(scanner, 0o755);
  stack = await startRealStack({
    files: { directory: join(dir, 'store'), maxFileBytes: MAX_BYTES, planStorageBytes: { free: FREE_QUOTA }, scanCommand: scanner, uploadTtlMs: UPLOAD_TTL_MS },
  });
  origin = new URL(stack.gatewayUrl).origin;
});
afterAll(async () => {
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function seed(label: string) {
  const slug = `${label}-${randomUUID().slice(0, 8)}`;
  const password = `pw-${randomUUID()}`;
  const tenant = await createTenantWithUsers(stack, { name: `${label} Inc`, slug }, [
    { email: `admin@${slug}.test`, name: `${label} Admin`, role: 'TENANT_ADMIN', password },
    { email: `rep@${slug}.test`, name: `${label} Rep`, role: 'SALES_REP', password },
  ]);
  const [admin, rep] = tenant.users as [(typeof tenant.users)[0], (typeof tenant.users)[0]];
  const pipeline = await createPipeline(stack.gatewayUrl, admin.token, `${label} pipeline`, STANDARD_STAGES);
  const deal = (ownerId: string, name: string) =>
    createDeal(stack.gatewayUrl, admin.token, { pipelineId: pipeline.id, stageId: pipeline.stages[0]!.id, name, amount: '1000.00', currency: 'USD', ownerId });
  const repDeal = await deal(rep.id, `${label} rep deal`);
  const adminDeal = await deal(admin.id, `${label} admin deal`);
  const { createContact: contact } = await gqlOk<{ createContact: { id: string } }>(
    stack.gatewayUrl,
    'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }',
    { input: { firstName: 'Ada', lastName: `Client${randomUUID().slice(0, 6)}` } },
    { token: rep.token },
  );
  return { admin, rep, repDeal, adminDeal, contact };
}

const CREATE = `mutation($recordType: AttachmentRecordType!, $recordId: ID!, $fileName: String!, $contentType: String!, $size: Int!) {
  createAttachmentUpload(recordType: $recordType, recordId: $recordId, fileName: $fileName, contentType: $contentType, size: $size) {
    uploadUrl expiresAt attachment { id status }
  }
}`;
const ATTACHMENT_FIELDS = 'id fileName contentType size status sha256 statusReason downloadUrl uploadedBy { id }';

interface Listed {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  status: string;
  sha256: string | null;
  statusReason: string | null;
  downloadUrl: string | null;
  uploadedBy: { id: string } | null;
}

function startUpload(token: string, recordType: string, recordId: string, fileName: string, contentType: string, size: number) {
  return gql<{ createAttachmentUpload: { uploadUrl: string; expiresAt: string; attachment: { id: string; status: string } } }>(
    stack.gatewayUrl,
    CREATE,
    { recordType, recordId, fileName, contentType, size },
    { token },
  );
}

async function upload(token: string, recordType: string, recordId: string, fileName: string, contentType: string, bytes: Buffer) {
  const started = await startUpload(token, recordType, recordId, fileName, contentType, bytes.length);
  expect(started.errors).toBeUndefined();
  const { uploadUrl, attachment } = started.data!.createAttachmentUpload;
  return { uploadUrl, id: attachment.id, answer: await put(uploadUrl, bytes) };
}

/** `PUT` to an upload URL at the gateway: no credentials, the URL authorises it. */
async function put(uploadUrl: string, bytes: Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin}${uploadUrl}`, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...headers }, body: bytes });
  return { status: response.status, body: (await response.json()) as { id?: string; status?: string; sha256?: string; errors?: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

async function dealAttachments(token: string, id: string) {
  const result = await gql<{ deal: { attachments: Listed[] } | null }>(stack.gatewayUrl, `query($id: ID!) { deal(id: $id) { attachments { ${ATTACHMENT_FIELDS} } } }`, { id }, { token });
  expect(result.errors).toBeUndefined();
  return result.data!.deal;
}

const pdf = (size: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(size - 9, 0x42)]);

describe('attachments', () => {
  it('uploads to a deal and a contact, lists them on the records and downloads the same bytes', async () => {
    const { rep, repDeal, contact } = await seed('files');
    const proposal = pdf(50_000);
    const onDeal = await upload(rep.token, 'DEAL', repDeal.id, 'Proposal – v2.pdf', 'application/pdf', proposal);
    expect(onDeal.answer).toEqual({ status: 200, body: { id: onDeal.id, status: 'AVAILABLE', size: 50_000, sha256: createHash('sha256').update(proposal).digest('hex') } });
    const notes = Buffer.from('Call notes: wants a 3-year term.\n');
    const onContact = await upload(rep.token, 'CONTACT', contact.id, 'notes.txt', 'text/plain', notes);
    expect(onContact.answer.status).toBe(200);

    const deal = await dealAttachments(rep.token, repDeal.id);
    expect(deal!.attachments).toEqual([
      expect.objectContaining({ id: onDeal.id, fileName: 'Proposal – v2.pdf', contentType: 'application/pdf', size: 50_000, status: 'AVAILABLE', uploadedBy: { id: rep.id } }),
    ]);
    const contactRead = await gqlOk<{ contact: { attachments: Listed[] } }>(stack.gatewayUrl, `query($id: ID!) { contact(id: $id) { attachments { ${ATTACHMENT_FIELDS} } } }`, { id: contact.id }, { token: rep.token });
    expect(contactRead.contact.attachments.map((a) => [a.id, a.status])).toEqual([[onContact.id, 'AVAILABLE']]);

    const response = await fetch(`${origin}${deal!.attachments[0]!.downloadUrl!}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Proposal _ v2.pdf"; filename*=UTF-8''Proposal%20%E2%80%93%20v2.pdf`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(proposal)).toBe(true);

    const text = await fetch(`${origin}${contactRead.contact.attachments[0]!.downloadUrl!}`);
    expect(await text.text()).toBe(notes.toString());

    // an activity about the deal takes attachments too
    const { createActivity: call } = await gqlOk<{ createActivity: { id: string } }>(
      stack.gatewayUrl,
      'mutation($input: CreateActivityInput!) { createActivity(input: $input) { id } }',
      { input: { type: 'CALL', subject: 'Pricing call', recordType: 'DEAL', recordId: repDeal.id } },
      { token: rep.token },
    );
    const onCall = await upload(rep.token, 'ACTIVITY', call.id, 'call.txt', 'text/plain', Buffer.from('Agreed on the discount.'));
    expect(onCall.answer.status).toBe(200);
    const activity = await gqlOk<{ activity: { attachments: Listed[] } }>(stack.gatewayUrl, `query($id: ID!) { activity(id: $id) { attachments { ${ATTACHMENT_FIELDS} } } }`, { id: call.id }, { token: rep.token });
    expect(activity.activity.attachments.map((a) => a.fileName)).toEqual(['call.txt']);
  });

  it("keeps a rep away from the attachments of a deal they cannot read, and another tenant away from all of them", async () => {
    const { admin, rep, adminDeal } = await seed('scoped');
    const secret = await upload(admin.token, 'DEAL', adminDeal.id, 'pricing.pdf', 'application/pdf', pdf(2_000));
    expect(secret.answer.status).toBe(200);
    const [listed] = (await dealAttachments(admin.token, adminDeal.id))!.attachments;

    // the rep (own records only) sees no deal, so no attachments and no download URL
    expect(await dealAttachments(rep.token, adminDeal.id)).toBeNull();
    const attach = await startUpload(rep.token, 'DEAL', adminDeal.id, 'x.pdf', 'application/pdf', 100);
    expect(attach.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const remove = await gql(stack.gatewayUrl, 'mutation($id: ID!) { deleteAttachment(id: $id) }', { id: secret.id }, { token: rep.token });
    expect(remove.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // a guessed download URL without a valid signature is refused
    const guessed = await fetch(`${origin}/files/${secret.id}?sig=${encodeURIComponent('x.1.y')}`);
    expect(guessed.status).toBe(403);

    const other = await seed('other');
    expect(await dealAttachments(other.admin.token, adminDeal.id)).toBeNull();
    const foreignUpload = await startUpload(other.admin.token, 'DEAL', adminDeal.id, 'x.pdf', 'application/pdf', 100);
    expect(foreignUpload.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const foreignDelete = await gql(stack.gatewayUrl, 'mutation($id: ID!) { deleteAttachment(id: $id) }', { id: secret.id }, { token: other.admin.token });
    expect(foreignDelete.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // still there for its tenant; the admin may delete it
    expect((await dealAttachments(admin.token, adminDeal.id))!.attachments.map((a) => a.id)).toEqual([listed!.id]);
    const deleted = await gqlOk<{ deleteAttachment: string }>(stack.gatewayUrl, 'mutation($id: ID!) { deleteAttachment(id: $id) }', { id: secret.id }, { token: admin.token });
    expect(deleted.deleteAttachment).toBe(secret.id);
    expect((await fetch(`${origin}${listed!.downloadUrl!}`)).status).toBe(404);
  });

  it('enforces size, type and quota limits', async () => {
    const { rep, repDeal } = await seed('limits');
    const tooBig = await startUpload(rep.token, 'DEAL', repDeal.id, 'big.pdf', 'application/pdf', MAX_BYTES + 1);
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX_BYTES });
    const exe = await startUpload(rep.token, 'DEAL', repDeal.id, 'setup.exe', 'application/vnd.microsoft.portable-executable', 100);
    expect(exe.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contentType' });

    // more bytes than granted: refused at the gateway with 413
    const granted = (await startUpload(rep.token, 'DEAL', repDeal.id, 'a.pdf', 'application/pdf', 1_000)).data!.createAttachmentUpload;
    const over = await put(granted.uploadUrl, pdf(1_001));
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');

    // an executable renamed .pdf
    const renamed = await upload(rep.token, 'DEAL', repDeal.id, 'invoice.pdf', 'application/pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(998, 0)]));
    expect(renamed.answer.status).toBe(415);
    expect(renamed.answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 'REJECTED' });

    // the free plan's quota (256 KiB here), uploads in progress included: 3 × 64 KiB + 62 KiB
    // (+ the 1 000 bytes still reserved by the unused upload URL above, if it has not expired yet)
    for (let i = 0; i < 3; i++) expect((await upload(rep.token, 'DEAL', repDeal.id, `part${i}.pdf`, 'application/pdf', pdf(MAX_BYTES))).answer.status).toBe(200);
    expect((await upload(rep.token, 'DEAL', repDeal.id, 'part3.pdf', 'application/pdf', pdf(MAX_BYTES - 2_048))).answer.status).toBe(200);
    const full = await startUpload(rep.token, 'DEAL', repDeal.id, 'one-more.pdf', 'application/pdf', MAX_BYTES);
    expect(full.errors?.[0]?.extensions).toMatchObject({ code: 'QUOTA_EXCEEDED', quotaBytes: FREE_QUOTA });
    const listed = (await dealAttachments(rep.token, repDeal.id))!.attachments;
    expect(listed.filter((a) => a.status === 'AVAILABLE')).toHaveLength(4);
    expect(listed.map((a) => a.fileName)).not.toContain('invoice.pdf');
  });

  it('refuses a replayed or expired upload URL', async () => {
    const { rep, repDeal } = await seed('tokens');
    const bytes = pdf(500);
    const first = await upload(rep.token, 'DEAL', repDeal.id, 'a.pdf', 'application/pdf', bytes);
    expect(first.answer.status).toBe(200);
    const replay = await put(first.uploadUrl, bytes);
    expect(replay.status).toBe(409);
    expect(replay.body.errors?.[0]?.extensions.code).toBe('CONFLICT');

    const late = (await startUpload(rep.token, 'DEAL', repDeal.id, 'late.pdf', 'application/pdf', bytes.length)).data!.createAttachmentUpload;
    await new Promise((resolve) => setTimeout(resolve, new Date(late.expiresAt).getTime() - Date.now() + 200));
    const expired = await put(late.uploadUrl, bytes);
    expect(expired.status).toBe(403);
    expect(expired.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/expired/), extensions: { code: 'FORBIDDEN' } });
  }, 30_000);

  it("deletes an erased contact's files (GDPR)", async () => {
    const { admin, rep, contact } = await seed('gdpr');
    const scan = await upload(rep.token, 'CONTACT', contact.id, 'passport.pdf', 'application/pdf', pdf(3_000));
    expect(scan.answer.status).toBe(200);
    const before = await gqlOk<{ contact: { attachments: Listed[] } }>(stack.gatewayUrl, `query($id: ID!) { contact(id: $id) { attachments { ${ATTACHMENT_FIELDS} } } }`, { id: contact.id }, { token: admin.token });
    const downloadUrl = before.contact.attachments[0]!.downloadUrl!;
    const { erasePersonalData: erasure } = await gqlOk<{ erasePersonalData: { id: string } }>(stack.gatewayUrl, 'mutation($id: ID!) { erasePersonalData(contactId: $id) { id } }', { id: contact.id }, { token: admin.token });
    await expect
      .poll(
        async () => {
          const read = await gqlOk<{ personalDataErasure: { reports: Array<{ subgraph: string; erased: Record<string, unknown> }> } }>(
            stack.gatewayUrl,
            'query($id: ID!) { personalDataErasure(id: $id) { reports { subgraph erased } } }',
            { id: erasure.id },
            { token: admin.token },
          );
          return read.personalDataErasure.reports.find((report) => report.subgraph === 'platform')?.erased['attachments'];
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(1);
    expect((await fetch(`${origin}${downloadUrl}`)).status).toBe(404);
  });

  it('marks a file the virus scanner flags INFECTED and never serves it', async () => {
    const { rep, repDeal } = await seed('scan');
    const flagged = await upload(rep.token, 'DEAL', repDeal.id, 'eicar.txt', 'text/plain', Buffer.from(EICAR));
    expect(flagged.answer.status).toBe(422);
    expect(flagged.answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', status: 'INFECTED' });
    const [listed] = (await dealAttachments(rep.token, repDeal.id))!.attachments;
    expect(listed).toMatchObject({ id: flagged.id, status: 'INFECTED', statusReason: 'stdin: Eicar-Test-Signature FOUND', downloadUrl: null });
  });
});
