/** Who caused a change, as recorded in every event envelope. */
import type { EventEnvelope } from '@crm/events';
import type { Identity } from '@crm/runtime';

export type Actor = EventEnvelope['actor'];

/** Changes made by the platform itself (provisioning, seeding). */
export const SYSTEM_ACTOR: Actor = { userId: null, kind: 'system' };

/** The signed-in user behind a request. */
export const userActor = (userId: string | null): Actor => (userId ? { userId, kind: 'user' } : SYSTEM_ACTOR);

/** The caller of a request: a partner's API key (kind `apikey`) or the signed-in user. */
export const actorOf = (identity: Identity): Actor => (identity.actorKind === 'apikey' ? { userId: null, kind: 'apikey' } : userActor(identity.userId));
