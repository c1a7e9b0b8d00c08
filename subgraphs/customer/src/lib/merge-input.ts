/** Validation shared by the contact and account merges: ids, their count, and `keep` sources. */
import { badInput } from '@crm/runtime';
import { isUuid } from './validation.ts';

export interface MergeRequest<F extends string> {
  survivorId: string;
  mergedIds: readonly string[];
  keep?: readonly { field: F; fromId: string }[] | null;
}

/**
 * Normalises ids to lower case, removes repeats, and refuses (BAD_USER_INPUT naming the field) an
 * invalid id, 0 or more than `max` merged records (`noun` names them), the survivor among the merged
 * records, and a `keep` choice from a record that is not part of the merge.
 */
export function parseMergeRequest<F extends string>(input: MergeRequest<F>, max: number, noun: string) {
  if (!isUuid(input.survivorId)) throw badInput('survivorId is not a valid id', 'survivorId');
  const survivorId = input.survivorId.toLowerCase();
  const mergedIds = [...new Set(input.mergedIds.map((id) => id.toLowerCase()))];
  if (mergedIds.length === 0 || mergedIds.length > max) throw badInput(`mergedIds must list 1 to ${max} ${noun}`, 'mergedIds');
  mergedIds.forEach((id, index) => {
    if (!isUuid(id)) throw badInput(`mergedIds.${index}: is not a valid id`, `mergedIds.${index}`);
  });
  if (mergedIds.includes(survivorId)) throw badInput('mergedIds must not include the survivor', 'mergedIds');
  const keep = input.keep ?? [];
  keep.forEach((choice, index) => {
    if (choice.fromId.toLowerCase() !== survivorId && !mergedIds.includes(choice.fromId.toLowerCase())) {
      throw badInput(`keep.${index}.fromId: must be the survivor or one of mergedIds`, `keep.${index}.fromId`);
    }
  });
  return { survivorId, mergedIds, keep };
}
