/**
 * Roles in the admin settings, in a real browser against the whole product (real PostgreSQL,
 * Kafka and Redis): a tenant admin defines CONTACT_VIEWER with the permission grid (contact read
 * at tenant scope), looks at a built-in role read-only, gives the new role to a sales rep under
 * "Users and teams" (the rep then reads every contact through the API), is refused when deleting
 * the role while the rep holds it (the API's message names the rep), and deletes it once taken
 * away. Screenshot: docs/screenshots/settings-roles.png.
 *
 * Invitations: an admin invites someone from Settings; the invited person opens the e-mail's link,
 * chooses a password, joins and signs in; the link works once. Screenshot:
 * docs/screenshots/accept-invitation.png.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTenantWithUsers, eventually, gqlOk } from '@crm/testkit';
import { describe, expect, it } from 'vitest';
import { signInThroughProvider, submitProviderSignIn } from './browser.ts';
import { SCREENSHOTS, webAppSuite } from './suite.ts';

const DESKTOP = { width: 1280, height: 900 };

const suite = webAppSuite('roles');

describe('roles settings', () => {
  it('defines a custom role with the permission grid, assigns it to a user and deletes it', async () => {
    suite.screenshotOnFailure('roles-failure', { fullPage: true });
    const slug = `roles-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users } = await createTenantWithUsers(suite.stack, { name: 'Roles Test Inc', slug }, [
      { email: `admin@${slug}.test`, name: 'Ada Admin', role: 'TENANT_ADMIN', password },
      { email: `rep@${slug}.test`, name: 'Vic Viewer', role: 'SALES_REP', password },
    ]);
    const admin = users[0]!;
    const viewer = users[1]!;
    for (const lastName of ['Hopper', 'Turing']) {
      await gqlOk(suite.stack.gatewayUrl, 'mutation($input: CreateContactInput!) { createContact(input: $input) { id } }', { input: { firstName: 'Cora', lastName } }, { token: admin.token });
    }
    const contactsOfViewer = async () =>
      (await gqlOk<{ contactsConnection: { totalCount: number } }>(suite.stack.gatewayUrl, '{ contactsConnection(first: 10) { totalCount } }', {}, { token: viewer.token })).contactsConnection.totalCount;
    expect(await contactsOfViewer()).toBe(0);

    const person = await suite.open(DESKTOP);
    const page = person.page;
    await signInThroughProvider(page, suite.web.url, admin.email, password, slug);
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('heading', { name: 'Roles', level: 2 }).waitFor();

    // Built-in roles are listed and can be looked at, not changed.
    const repRow = page.getByRole('row', { name: /Sales rep/ });
    await repRow.getByText('Vic Viewer').waitFor();
    await repRow.getByRole('button', { name: 'View Sales rep' }).click();
    const builtIn = page.getByRole('form', { name: 'Sales rep (built-in, read-only)' });
    expect(await builtIn.getByLabel('deal:update').inputValue()).toBe('OWN');
    expect(await builtIn.getByLabel('deal:update').isDisabled()).toBe(true);
    expect(await builtIn.getByRole('button', { name: 'Save role' }).count()).toBe(0);
    await builtIn.getByRole('button', { name: 'Close' }).click();

    // A bad name is refused with the API's message, then the role is created from the grid.
    await page.getByRole('button', { name: 'New role' }).click();
    const editor = page.getByRole('form', { name: 'New role' });
    await editor.getByLabel('Name').fill('Sales rep');
    await editor.getByLabel('contact:read').selectOption('TENANT');
    await editor.getByRole('button', { name: 'Create role' }).click();
    await editor.getByText('"SALES_REP" is a built-in role').waitFor();
    await editor.getByLabel('Name').fill('contact viewer');
    await editor.getByLabel('Description').fill('Reads every contact of the workspace');
    await editor.getByLabel('All deal actions').selectOption('OWN');
    await editor.getByLabel('All deal actions').selectOption('NONE');
    expect(await editor.getByLabel('deal:read').inputValue()).toBe('');
    await editor.getByRole('button', { name: 'Create role' }).click();
    const edit = page.getByRole('form', { name: 'Edit CONTACT_VIEWER' });
    await edit.waitFor();
    const roleRow = page.getByRole('row', { name: /CONTACT_VIEWER/ });
    await roleRow.getByText('contact: read (tenant)').waitFor();
    expect(await edit.getByLabel('contact:read').inputValue()).toBe('TENANT');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-roles.png'), fullPage: true });

    const { roles } = await gqlOk<{ roles: { name: string; builtIn: boolean; grants: unknown[] }[] }>(suite.stack.gatewayUrl, '{ roles { name builtIn grants { permission scope } } }', {}, { token: admin.token });
    expect(roles.filter((role) => !role.builtIn)).toEqual([{ name: 'CONTACT_VIEWER', builtIn: false, grants: [{ permission: 'contact:read', scope: 'TENANT' }] }]);

    // The rep gets the role under "Users and teams" and reads every contact with the same token.
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users and teams' }).click();
    const pick = page.getByRole('checkbox', { name: 'CONTACT_VIEWER for Vic Viewer' });
    // the box shows the API's answer: it turns checked once the role is set
    await pick.click();
    await expect.poll(() => pick.isChecked()).toBe(true);
    await eventually(async () => (await contactsOfViewer()) === 2, 15_000);
    expect(await page.getByRole('checkbox', { name: 'CONTACT_VIEWER for Ada Admin' }).isChecked()).toBe(false);

    // Deleting a held role is refused with the API's message; once taken away it goes.
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Roles' }).click();
    await roleRow.getByText('Vic Viewer').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await roleRow.getByRole('button', { name: 'Delete CONTACT_VIEWER' }).click();
    await roleRow.getByRole('alert').getByText(`rep@${slug}.test`).waitFor();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Users and teams' }).click();
    await page.getByRole('checkbox', { name: 'CONTACT_VIEWER for Vic Viewer' }).click();
    await expect.poll(() => page.getByRole('checkbox', { name: 'CONTACT_VIEWER for Vic Viewer' }).isChecked()).toBe(false);
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Roles' }).click();
    await roleRow.getByText('None').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await roleRow.getByRole('button', { name: 'Delete CONTACT_VIEWER' }).click();
    await expect.poll(() => roleRow.count()).toBe(0);
    await eventually(async () => (await contactsOfViewer()) === 0, 15_000);

    expect(person.problems).toEqual([]);
  });
});

describe('invitations', () => {
  it('invites a user from Settings, who joins through the e-mail link with their own password and signs in', async () => {
    const slug = `invite-${randomUUID().slice(0, 8)}`;
    const password = `pw-${randomUUID()}`;
    const { users, tenantId } = await createTenantWithUsers(suite.stack, { name: 'Invite Test Inc', slug }, [{ email: `admin@${slug}.test`, name: 'Ada Admin', role: 'TENANT_ADMIN', password }]);
    const admin = users[0]!;
    const inviteeEmail = `ivy@${slug}.test`;

    const adminPerson = await suite.open(DESKTOP);
    await signInThroughProvider(adminPerson.page, suite.web.url, admin.email, password, slug);
    await adminPerson.page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
    const invite = adminPerson.page.getByRole('form', { name: 'Invite a user' });
    await invite.getByLabel('Name').fill('Ivy Invitee');
    await invite.getByLabel('Email').fill(inviteeEmail);
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await invite.getByRole('status').getByText(`Invitation sent to ${inviteeEmail}.`).waitFor();

    // The token travels only in the e-mail; the test reads it from the platform's outbox of e-mails.
    const platform = suite.stack.subgraphs.platform.subgraph;
    const mail = await platform.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`;
      return tx.outboundEmail.findFirstOrThrow({ where: { to: inviteeEmail } });
    });
    const token = (mail.data as { token: string }).token;
    const link = `${suite.web.url}/invitations/accept?token=${encodeURIComponent(token)}`;

    const invitee = await suite.open(DESKTOP);
    const page = invitee.page;
    await page.goto(link);
    const choose = page.getByRole('form', { name: 'Choose your password' });
    await choose.getByLabel('Password', { exact: true }).fill('short');
    await choose.getByLabel('Password again').fill('short');
    await choose.getByRole('button', { name: 'Join' }).click();
    await choose.getByText('Use at least 8 characters.').waitFor();
    const chosen = 'a long and private passphrase';
    await choose.getByLabel('Password', { exact: true }).fill(chosen);
    await choose.getByLabel('Password again').fill(chosen);
    await choose.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').getByText(`You have joined Invite Test Inc as ${inviteeEmail}.`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'accept-invitation.png'), fullPage: true });

    // Signing in with the new password lands on the board.
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/oidc/interaction/'));
    expect(await submitProviderSignIn(page, inviteeEmail, chosen, slug)).toBeNull();
    await page.getByRole('heading', { name: 'Deals', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    // The link works once: opened again it gets the API's message and changes nothing.
    const again = await suite.open(DESKTOP);
    await again.page.goto(link);
    const retry = again.page.getByRole('form', { name: 'Choose your password' });
    await retry.getByLabel('Password', { exact: true }).fill('another long passphrase');
    await retry.getByLabel('Password again').fill('another long passphrase');
    await retry.getByRole('button', { name: 'Join' }).click();
    await retry.getByRole('alert').getByText('This invitation is invalid, used or expired').waitFor();

    for (const person of [adminPerson, invitee, again]) expect(person.problems).toEqual([]);
  });
});
