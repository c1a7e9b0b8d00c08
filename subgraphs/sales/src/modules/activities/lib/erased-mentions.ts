/** Erasure of a user from activity bodies: their mentions keep the link to the (anonymised) user, not their name. */

/** The name an erased user's mentions show. */
export const ERASED_USER_NAME = 'Erased user';

/** `body` with every `@[Name](user:<userId>)` mention of that user renamed to {@link ERASED_USER_NAME}. */
export function eraseMentionsOf(body: string, userId: string): string {
  const id = userId.toLowerCase().replace(/[^0-9a-f-]/g, '');
  return body.replace(new RegExp(`@\\[[^\\]\\n]{1,200}\\]\\(user:(${id})\\)`, 'gi'), (_mention, matched: string) => `@[${ERASED_USER_NAME}](user:${matched})`);
}
