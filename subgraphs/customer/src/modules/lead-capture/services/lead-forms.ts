/**
 * Web-to-lead forms: tenant admins create, rotate and disable them; the gateway's public
 * `/forms/<key>` endpoint describes a form and submits posts to it (through the internal routes
 * in lib/form-routes.ts).
 *
 * A post creates a lead through the leads service (so the tenant's assignment and scoring rules
 * apply) with `source` = the form's name and no owner. The same e-mail posted to the same form
 * again within `dedupWindowMs` creates nothing (and says so only to the gateway).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { withTenantTransaction } from '@crm/db';
import { AppError, badInput, ErrorCode, notFound } from '@crm/runtime';
import type { PrismaClient } from '../../../__generated__/prisma/client.ts';
import type { LeadFormModel } from '../../../__generated__/prisma/models.ts';
import type { TenantDb } from '../../../context.ts';
import { CUSTOM_FIELD_KEY } from '../../../lib/custom-fields.ts';
import { isUuid, optionalEmail, optionalPhone, optionalText, parseInput, requiredName } from '../../../lib/validation.ts';
import type { LeadsService } from '../../leads/services/leads.ts';
import { customFieldInputs, type FormPost } from '../lib/form-values.ts';

export interface NewLeadForm {
  name: string;
  fields?: readonly string[] | null;
  redirectUrl?: string | null;
  allowedOrigins?: readonly string[] | null;
}

/** What the public endpoint needs to know about an enabled form. */
export interface PublicLeadForm {
  name: string;
  fields: string[];
  redirectUrl: string | null;
  allowedOrigins: string[];
}

export type SubmitOutcome =
  | { outcome: 'created' }
  | { outcome: 'duplicate' }
  | { outcome: 'not_found' }
  | { outcome: 'invalid'; field: string | null; message: string };

export interface LeadFormsService {
  list(db: TenantDb): Promise<LeadFormModel[]>;
  create(tenantId: string, input: NewLeadForm): Promise<LeadFormModel>;
  /** A new key; the old one stops working at once. */
  rotateKey(tenantId: string, id: string): Promise<LeadFormModel>;
  disable(tenantId: string, id: string): Promise<LeadFormModel>;
  /** The enabled form with this key, or null. */
  describe(key: string): Promise<PublicLeadForm | null>;
  submit(key: string, post: FormPost): Promise<SubmitOutcome>;
}

export interface LeadFormsDeps {
  prisma: PrismaClient;
  leads: Pick<LeadsService, 'create'>;
  /** Same e-mail on the same form within this window creates no second lead, ms. Default 24 h. */
  dedupWindowMs?: number;
  clock?: () => Date;
}

export const FORM_KEY = /^lf_[A-Za-z0-9_-]{32}$/;
const newKey = () => `lf_${randomBytes(24).toString('base64url')}`;

const ORIGIN = /^https?:\/\/[a-z0-9.-]+(?::\d{1,5})?$/;
const formInput = z.object({
  name: requiredName('name', 100),
  fields: z
    .array(z.string().trim().regex(CUSTOM_FIELD_KEY, 'fields must list lead custom-field keys'))
    .max(50, 'fields may list at most 50 keys')
    .nullish()
    .transform((fields) => [...new Set(fields ?? [])]),
  redirectUrl: z
    .string()
    .trim()
    .max(2000, 'redirectUrl must be at most 2000 characters')
    .nullish()
    .transform((value) => value || null)
    .refine((value) => value === null || /^https?:\/\/\S+$/i.test(value), 'redirectUrl must be an http(s) URL'),
  allowedOrigins: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .transform((origin) => origin.replace(/\/$/, ''))
        .refine((origin) => ORIGIN.test(origin), 'allowedOrigins must list origins like https://www.example.com'),
    )
    .max(20, 'allowedOrigins may list at most 20 origins')
    .nullish()
    .transform((origins) => [...new Set(origins ?? [])]),
});

const postInput = z.object({
  name: requiredName('name'),
  email: optionalEmail.refine((value) => value !== null, 'email is required'),
  company: optionalText(200, 'company'),
  phone: optionalPhone,
  message: optionalText(5000, 'message'),
});

export function createLeadFormsService({ prisma, leads, dedupWindowMs = 24 * 3600_000, clock = () => new Date() }: LeadFormsDeps): LeadFormsService {
  const find = async (key: string) => {
    if (!FORM_KEY.test(key)) return null;
    const [found] = await prisma.$queryRaw<{ id: string; tenantId: string }[]>`SELECT "id"::text AS "id", "tenantId"::text AS "tenantId" FROM customer_find_lead_form(${key}::text)`;
    return found ?? null;
  };

  const change = (tenantId: string, id: string, data: { key?: string; enabled?: boolean }) => {
    if (!isUuid(id)) throw badInput('id is not a valid id', 'id');
    return withTenantTransaction(prisma, tenantId, async (tx) => {
      const { count } = await tx.leadForm.updateMany({ where: { id: id.toLowerCase() }, data });
      if (count === 0) throw notFound('Lead form', id);
      return tx.leadForm.findUniqueOrThrow({ where: { id: id.toLowerCase() } });
    });
  };

  return {
    list: (db) => db.leadForm.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),

    async create(tenantId, input) {
      const data = parseInput(formInput, input);
      return withTenantTransaction(prisma, tenantId, async (tx) => {
        if (data.fields.length) {
          const live = new Set((await tx.customFieldDefinition.findMany({ where: { entity: 'LEAD', archivedAt: null, key: { in: data.fields } }, select: { key: true } })).map((row) => row.key));
          const unknown = data.fields.find((key) => !live.has(key));
          if (unknown) throw badInput(`fields: ${unknown} is not a lead custom field`, 'fields');
        }
        return tx.leadForm.create({ data: { id: randomUUID(), tenantId, key: newKey(), ...data } });
      });
    },

    rotateKey: (tenantId, id) => change(tenantId, id, { key: newKey() }),
    disable: (tenantId, id) => change(tenantId, id, { enabled: false }),

    async describe(key) {
      const found = await find(key);
      if (!found) return null;
      const form = await withTenantTransaction(prisma, found.tenantId, (tx) => tx.leadForm.findFirst({ where: { id: found.id, enabled: true } }));
      return form ? { name: form.name, fields: form.fields, redirectUrl: form.redirectUrl, allowedOrigins: form.allowedOrigins } : null;
    },

    async submit(key, post) {
      const found = await find(key);
      if (!found) return { outcome: 'not_found' };
      const { tenantId } = found;
      const parsed = postInput.safeParse(post);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return { outcome: 'invalid', field: issue?.path.map(String).join('.') || null, message: issue?.message ?? 'Invalid input' };
      }
      const data = parsed.data;
      const since = new Date(clock().getTime() - dedupWindowMs);
      const prior = await withTenantTransaction(prisma, tenantId, async (tx) => {
        const form = await tx.leadForm.findFirst({ where: { id: found.id, enabled: true } });
        if (!form) return { form: null, duplicate: false, definitions: [] };
        const duplicate = (await tx.leadFormSubmission.count({ where: { formId: form.id, email: data.email, createdAt: { gte: since } } })) > 0;
        const definitions = form.fields.length ? await tx.customFieldDefinition.findMany({ where: { entity: 'LEAD', archivedAt: null, key: { in: form.fields } }, select: { key: true, type: true } }) : [];
        return { form, duplicate, definitions };
      });
      if (!prior.form) return { outcome: 'not_found' };
      if (prior.duplicate) return { outcome: 'duplicate' };
      let leadId: string;
      try {
        const lead = await leads.create(tenantId, { userId: null, kind: 'system' }, {
          name: data.name,
          email: data.email,
          company: data.company,
          source: prior.form.name,
          ownerId: null,
          customFields: customFieldInputs(post, prior.form.fields, prior.definitions),
        });
        leadId = lead.id;
      } catch (error) {
        if (error instanceof AppError && error.extensions.code === ErrorCode.BAD_USER_INPUT) {
          const field = typeof error.extensions.field === 'string' ? error.extensions.field.replace(/^customFields\.?/, '') || null : null;
          return { outcome: 'invalid', field, message: error.message };
        }
        throw error;
      }
      await withTenantTransaction(prisma, tenantId, (tx) =>
        tx.leadFormSubmission.create({ data: { id: randomUUID(), tenantId, formId: found.id, leadId, email: data.email, phone: data.phone, message: data.message } }),
      );
      return { outcome: 'created' };
    },
  };
}
