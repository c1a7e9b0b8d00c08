/**
 * Internal routes behind the gateway's public `/forms/<key>` endpoint (signed by the gateway, as
 * `/graphql` is; 401 otherwise):
 *
 * - `POST /internal/lead-forms/describe` `{ "key" }` -> `{ "form": { name, fields, redirectUrl, allowedOrigins } | null }`
 * - `POST /internal/lead-forms/submit` `{ "key", "post": { name, email, company, phone, message, custom: {…} } }`
 *   -> `{ "outcome": "created" | "duplicate" | "not_found" }` or `{ "outcome": "invalid", "field", "message" }`
 */
import { createInternalRoute } from '@crm/runtime';
import type { LeadFormsService } from '../services/lead-forms.ts';
import { BUILT_IN_FIELDS, type FormPost } from './form-values.ts';

export const LEAD_FORM_DESCRIBE_PATH = '/internal/lead-forms/describe';
export const LEAD_FORM_SUBMIT_PATH = '/internal/lead-forms/submit';
/** Largest submission the route reads (the gateway limits posts to less). */
export const MAX_SUBMISSION_BYTES = 64 * 1024;

const keyOf = (body: unknown): string | null => {
  const key = typeof body === 'object' && body !== null ? (body as { key?: unknown }).key : undefined;
  return typeof key === 'string' && key.length <= 100 ? key : null;
};

/** The posted fields as strings (anything else is dropped), or null when `post` is not an object. */
export function formPostOf(post: unknown): FormPost | null {
  if (typeof post !== 'object' || post === null || Array.isArray(post)) return null;
  const out: FormPost = { custom: {} };
  for (const [name, value] of Object.entries(post as Record<string, unknown>)) {
    if (name === 'custom' && typeof value === 'object' && value !== null) {
      for (const [key, custom] of Object.entries(value as Record<string, unknown>)) if (typeof custom === 'string') out.custom[key] = custom;
    } else if (typeof value === 'string' && (BUILT_IN_FIELDS as readonly string[]).includes(name)) {
      out[name as (typeof BUILT_IN_FIELDS)[number]] = value;
    }
  }
  return out;
}

export function createLeadFormRoutes(forms: Pick<LeadFormsService, 'describe' | 'submit'>, signingSecret: string) {
  const describe = createInternalRoute<string>({
    path: LEAD_FORM_DESCRIBE_PATH,
    signingSecret,
    usage: 'Body must be JSON {"key": "<form key>"}',
    parse: keyOf,
    handle: async (key) => ({ form: await forms.describe(key) }),
  });
  const submit = createInternalRoute<{ key: string; post: FormPost }>({
    path: LEAD_FORM_SUBMIT_PATH,
    signingSecret,
    maxBodyBytes: MAX_SUBMISSION_BYTES,
    usage: 'Body must be JSON {"key": "<form key>", "post": {"name": "…", "email": "…", "custom": {}}}',
    parse: (body) => {
      const key = keyOf(body);
      const post = formPostOf((body as { post?: unknown } | null)?.post);
      return key && post ? { key, post } : null;
    },
    handle: ({ key, post }) => forms.submit(key, post),
  });
  return async (req: Parameters<typeof describe>[0], res: Parameters<typeof describe>[1]): Promise<boolean> => (await describe(req, res)) || (await submit(req, res));
}
