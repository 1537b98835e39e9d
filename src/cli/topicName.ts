// Kafka's topic-name rules, checked before connecting so a bad name is a usage error that
// names the rules (the broker would answer INVALID_TOPIC_EXCEPTION, or a produce would retry).

import { MAX_TOPIC_NAME_LENGTH, validateTopicName as kafkaRule } from '../broker/log/names.js';
import { UsageError } from './errors.js';

export const TOPIC_NAME_RULES = `ASCII letters, digits, '.', '_' and '-', 1 to ${MAX_TOPIC_NAME_LENGTH} characters, not "." or ".."`;

/** Why `name` cannot be a topic name (kt wording), or null. */
export function validateTopicName(name: string): string | null {
  return kafkaRule(name) === null ? null : `topic name '${name}' is not valid: use ${TOPIC_NAME_RULES}`;
}

/** Throws a usage error (exit 2) for an illegal topic name, prefixed with the flag that gave it (null: none). */
export function checkTopicName(name: string | undefined, flag: string | null = '--topic'): void {
  if (name === undefined) return;
  const problem = validateTopicName(name);
  if (problem) throw new UsageError(flag ? `${flag}: ${problem}` : problem);
}
