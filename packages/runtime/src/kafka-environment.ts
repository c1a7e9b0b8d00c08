/**
 * Environment variables every deployable that consumes Kafka shares, as a zod shape to spread into
 * its environment schema. They matter when several environments share one Kafka cluster (staging
 * next to production, parallel test runs): each environment gives its consumer groups a suffix of
 * its own, and may start new groups at the end of their topics instead of replaying the history.
 */
import { z } from 'zod';

export const kafkaConsumerGroupEnvironment = {
  /** Appended to every Kafka consumer group id (e.g. `.staging`: `sales.lead-conversion.staging`). Default none. */
  KAFKA_GROUP_SUFFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, `.`, `_` and `-` only').default(''),
  /**
   * Where a consumer group without committed offsets starts: `earliest` replays the topics' retained
   * history (each consumer's own choice; the default), `latest` starts at their end. Groups that have
   * committed offsets always resume from them.
   */
  KAFKA_NEW_GROUPS_START: z.enum(['earliest', 'latest']).default('earliest'),
};
