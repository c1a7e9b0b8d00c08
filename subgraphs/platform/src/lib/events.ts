/** Who caused a change, as recorded in every event envelope. */
import type { EventEnvelope } from '@crm/events';

export type Actor = EventEnvelope['actor'];

/** Changes made by the platform itself (provisioning, seeding). */
export const SYSTEM_ACTOR: Actor = { userId: null, kind: 'system' };

/** The signed-in user behind a request. */
export const userActor = (userId: string | null): Actor => (userId ? { userId, kind: 'user' } : SYSTEM_ACTOR);
