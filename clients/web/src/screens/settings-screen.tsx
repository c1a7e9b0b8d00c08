/**
 * Settings of the workspace, for tenant admins: users and teams, roles, API keys, webhooks, custom
 * fields, BI queries and CSV imports, one section per URL (`/settings/api-keys`).
 */
import { ApiKeysSettings } from '../components/settings/api-keys-settings.tsx';
import { BiQueriesSettings } from '../components/settings/bi-queries-settings.tsx';
import { CustomFieldsSettings } from '../components/settings/custom-fields-settings.tsx';
import { ImportSettings } from '../components/import/import-settings.tsx';
import { RolesSettings } from '../components/settings/roles-settings.tsx';
import { UsersSettings } from '../components/settings/users-settings.tsx';
import { WebhooksSettings } from '../components/settings/webhooks-settings.tsx';
import { Link } from '../components/link.tsx';
import { Empty } from '../components/states.tsx';
import { pathOf, SETTINGS_SECTIONS, type SettingsSection } from '../lib/route.ts';
import { useSession } from '../session.ts';
import { canManageSettings } from '../lib/roles.ts';

const LABELS: Record<SettingsSection, string> = {
  users: 'Users and teams',
  roles: 'Roles',
  'api-keys': 'API keys',
  webhooks: 'Webhooks',
  'custom-fields': 'Custom fields',
  'bi-queries': 'BI queries',
  import: 'Import',
};

function Section({ section, currentUserId, importId }: { section: SettingsSection; currentUserId: string; importId?: string | undefined }) {
  switch (section) {
    case 'users':
      return <UsersSettings currentUserId={currentUserId} />;
    case 'roles':
      return <RolesSettings />;
    case 'api-keys':
      return <ApiKeysSettings />;
    case 'webhooks':
      return <WebhooksSettings />;
    case 'custom-fields':
      return <CustomFieldsSettings />;
    case 'bi-queries':
      return <BiQueriesSettings />;
    case 'import':
      return <ImportSettings importId={importId} />;
  }
}

export function SettingsScreen({ section, importId }: { section: SettingsSection; importId?: string | undefined }) {
  const session = useSession();
  if (!canManageSettings(session?.user.role)) {
    return (
      <div className="screen">
        <h1>Settings</h1>
        <Empty>Only workspace admins can change settings. Ask an admin of your workspace.</Empty>
        <Link href="/">Go to the deals board</Link>
      </div>
    );
  }
  return (
    <div className="screen settings">
      <div className="toolbar">
        <h1>Settings</h1>
      </div>
      <nav aria-label="Settings" className="subnav">
        <ul>
          {SETTINGS_SECTIONS.map((s) => (
            <li key={s}>
              <Link href={pathOf({ screen: 'settings', section: s })} aria-current={s === section ? 'page' : undefined}>
                {LABELS[s]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings-body" aria-label={LABELS[section]} role="region">
        <Section key={section} section={section} currentUserId={session?.user.id ?? ''} importId={importId} />
      </div>
    </div>
  );
}
