// The stored shape of councils and their invitation codes, parsed on read and checked on write.
import { z } from 'zod';

export const councilDocSchema = z.object({
  _id: z.string(),
  name: z.string(),
  commune: z.string(),
  communeInsee: z.string(),
  department: z.string(),
  departmentName: z.string(),
  invitationCodes: z.array(z.string()),
  /** How many members the council has, when an admin said so: completion is measured against it. */
  members: z.int().min(1).optional(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

/** `_id` is the code: the unique key (FerretDB v1 does not enforce unique indexes on arrays). */
export const invitationCodeDocSchema = z.object({
  _id: z.string(),
  councilId: z.string(),
  createdAt: z.date(),
});

export type CouncilDoc = z.infer<typeof councilDocSchema>;
export type InvitationCodeDoc = z.infer<typeof invitationCodeDocSchema>;

/**
 * In `settings`, `_id` "councils_revision": bumped by every import and every code added, so
 * running servers notice by reading one document by `_id` (cheap on FerretDB, where only such
 * reads use an index).
 */
export const councilRevisionDocSchema = z.object({
  _id: z.literal('councils_revision'),
  value: z.number().int().nonnegative(),
  updatedAt: z.date(),
});

export type CouncilRevisionDoc = z.infer<typeof councilRevisionDocSchema>;
