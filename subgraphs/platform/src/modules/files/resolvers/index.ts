import DataLoader from 'dataloader';
import type { AttachmentModel } from '../../../__generated__/prisma/models.ts';
import type { Resolvers } from '../../../__generated__/resolvers-types.ts';
import { requireTenant, type Context } from '../../../context.ts';
import type { RecordType } from '../lib/record-access.ts';

/** One query per request tick for the attachments of every record a response lists. */
const loaders = new WeakMap<Context, DataLoader<string, AttachmentModel[]>>();

function attachmentsOf(recordType: RecordType, recordId: string, ctx: Context): Promise<AttachmentModel[]> {
  const { db } = requireTenant(ctx);
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((keys) => ctx.services.attachments.listForRecords(db, keys));
    loaders.set(ctx, loader);
  }
  return loader.load(`${recordType}:${recordId}`);
}

/** Reached only once the record's own subgraph resolved it for the caller (`@requires(createdAt)`). */
export const filesResolvers: Resolvers = {
  Mutation: {
    createAttachmentUpload: async (_parent, args, ctx) => {
      requireTenant(ctx);
      const upload = await ctx.services.attachments.createUpload(ctx.identity, args);
      ctx.log.info({ attachmentId: upload.attachment.id, recordType: args.recordType, size: args.size }, 'attachment upload started');
      return upload;
    },
    deleteAttachment: async (_parent, { id }, ctx) => {
      requireTenant(ctx);
      const deleted = await ctx.services.attachments.delete(ctx.identity, id);
      ctx.log.info({ attachmentId: deleted.id }, 'attachment deleted');
      return deleted.id;
    },
  },
  Attachment: {
    uploadedBy: (attachment, _args, ctx) => (attachment.uploadedById ? ctx.loaders.user.load(attachment.uploadedById) : null),
    downloadUrl: (attachment, _args, ctx) => ctx.services.attachments.downloadUrl(attachment),
  },
  Deal: { attachments: (deal, _args, ctx) => attachmentsOf('DEAL', deal.id, ctx) },
  Contact: { attachments: (contact, _args, ctx) => attachmentsOf('CONTACT', contact.id, ctx) },
  Account: { attachments: (account, _args, ctx) => attachmentsOf('ACCOUNT', account.id, ctx) },
  Lead: { attachments: (lead, _args, ctx) => attachmentsOf('LEAD', lead.id, ctx) },
  Activity: { __resolveReference: (reference) => reference, attachments: (activity, _args, ctx) => attachmentsOf('ACTIVITY', activity.id, ctx) },
};
