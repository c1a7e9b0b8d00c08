/**
 * The e-mails the platform sends, rendered from a queued `OutboundEmail` (template name + values).
 * Plain text only: every mail client shows it, and nothing in it can run. Links point at the web
 * app (`appUrl`).
 */

/** A rendered e-mail, ready for a transport. */
export interface RenderedEmail {
  subject: string;
  text: string;
}

export interface TemplateContext {
  /** Public URL of the web app, without a trailing slash, e.g. `https://crm.example.com`. */
  appUrl: string;
}

/** Why a queued e-mail cannot be rendered (it fails for good: retrying cannot fix it). */
export class TemplateError extends Error {}

type Values = Record<string, unknown>;

const text = (values: Values, key: string): string => {
  const value = values[key];
  if (typeof value !== 'string' || value.length === 0) throw new TemplateError(`missing ${key}`);
  return value;
};

/** The web app's page of a record a notification is about (the record list for kinds without a page). */
export function recordPath(recordType: string, recordId: string): string {
  const id = encodeURIComponent(recordId);
  switch (recordType) {
    case 'Deal':
      return `/deals/${id}`;
    case 'Contact':
      return `/contacts/${id}`;
    case 'Account':
      return `/accounts/${id}`;
    case 'Lead':
      return `/leads/${id}`;
    case 'Activity':
      return '/activities';
    default:
      return '/';
  }
}

/** Link of an invitation: the web app's page that accepts it with a password. */
export function invitationLink(appUrl: string, token: string): string {
  return `${appUrl}/invitations/accept?token=${encodeURIComponent(token)}`;
}

const templates: Record<string, (values: Values, context: TemplateContext) => RenderedEmail> = {
  'user-invitation': (values, { appUrl }) => {
    const expiresAt = new Date(text(values, 'expiresAt'));
    if (Number.isNaN(expiresAt.getTime())) throw new TemplateError('expiresAt is not a date');
    return {
      subject: 'You are invited to join your team on the CRM',
      text: [
        `Hello ${text(values, 'name')},`,
        '',
        'You have been invited to join your team on the CRM. Choose a password to accept:',
        '',
        invitationLink(appUrl, text(values, 'token')),
        '',
        `The link works once and expires on ${expiresAt.toUTCString()}.`,
        'If you did not expect this invitation, ignore this e-mail.',
      ].join('\n'),
    };
  },
  notification: (values, { appUrl }) => {
    const title = text(values, 'title');
    const body = typeof values['body'] === 'string' ? values['body'] : '';
    return {
      subject: title,
      text: [
        `Hello ${text(values, 'name')},`,
        '',
        title,
        ...(body ? ['', body] : []),
        '',
        `Open it: ${appUrl}${recordPath(text(values, 'recordType'), text(values, 'recordId'))}`,
        '',
        'You receive these e-mails because e-mail notifications are on in your profile.',
      ].join('\n'),
    };
  },
};

/** Renders a queued e-mail; TemplateError for an unknown template or missing values. */
export function renderEmail(template: string, values: unknown, context: TemplateContext): RenderedEmail {
  const render = Object.hasOwn(templates, template) ? templates[template] : undefined;
  if (!render) throw new TemplateError(`unknown template ${template}`);
  if (values === null || typeof values !== 'object' || Array.isArray(values)) throw new TemplateError('template values are not an object');
  return render(values as Values, context);
}
