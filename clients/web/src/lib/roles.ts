/** What a role may see in the app (the API enforces the same; this only hides what would be refused). */

/** Tenant and system admins manage the workspace's settings. */
export function canManageSettings(role: string | undefined): boolean {
  return role === 'TENANT_ADMIN' || role === 'SYSTEM_ADMIN';
}
