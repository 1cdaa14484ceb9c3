import { z } from 'zod';
import { storableJson } from '../http/storable-json.js';
import { textSchema } from './activity-to-input.js';

const id = z.string().min(1).max(256);
const account = z.object({ id, name: z.string().max(256).optional() }).loose();

/**
 * What `/api/messages` reads of a Bot Framework activity before botbuilder gets it: the fields
 * the SDK and ConcertoBot use, each of the type they expect (any other field passes through).
 * A request that fails this gets a 400 instead of failing inside the SDK with a 500.
 */
export const botFrameworkActivitySchema = z
  .object({
    type: z.string().min(1).max(50),
    id: id.optional(),
    channelId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
    serviceUrl: z.string().min(1).max(2048),
    from: account,
    recipient: account,
    conversation: z.object({ id }).loose(),
    text: textSchema().optional(),
    value: storableJson().optional(),
    name: z.string().max(100).optional(),
    locale: z.string().max(20).optional(),
    membersAdded: z.array(account).max(50).optional(),
    membersRemoved: z.array(account).max(50).optional(),
    replyToId: id.optional(),
    deliveryMode: z.enum(['normal', 'notification', 'expectReplies', 'ephemeral']).optional(),
  })
  .loose();
