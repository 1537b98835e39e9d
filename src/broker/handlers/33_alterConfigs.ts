// AlterConfigs v0-2: replaces a topic's whole set of overrides (Kafka's legacy semantics:
// configs not named are reset to their defaults). Broker configs are static here. The request's
// shape is checked first, as Kafka does (configs.ts, alterShapeProblem).
import { validateTopicConfigs } from '../log/config.js';
import { AlterConfigs } from '../../protocol/apis/alterConfigs.js';
import { code } from '../../protocol/errors.js';
import { alterShapeProblem, RESOURCE_BROKER, RESOURCE_TOPIC, resourceCounts } from './configs.js';
import { handler } from './types.js';

export default handler(AlterConfigs, (req, ctx) => {
  const { broker } = ctx;
  const named = resourceCounts(req.resources);
  const responses = req.resources.map((res) => {
    const base = { resourceType: res.resourceType, resourceName: res.resourceName };
    const shape = alterShapeProblem(res, named);
    if (shape) return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: shape };
    if (res.resourceType === RESOURCE_BROKER) {
      return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: 'Broker configs of the bundled broker are static (set them when starting it).' };
    }
    if (res.resourceType !== RESOURCE_TOPIC) {
      return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Unsupported resource type ${res.resourceType}` };
    }
    const t = broker.store.getTopic(res.resourceName);
    if (!t) return { ...base, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: `The topic '${res.resourceName}' does not exist.` }; // Kafka's words
    const next: Record<string, string> = {};
    for (const c of res.configs) next[c.name] = c.value as string;
    const problem = validateTopicConfigs(next);
    if (problem) return { ...base, errorCode: code('INVALID_CONFIG'), errorMessage: problem };
    if (!req.validateOnly) {
      const changes: Record<string, string | null> = { ...next };
      for (const name of Object.keys(t.configs)) if (!(name in next)) changes[name] = null;
      broker.store.alterTopicConfigs(t.name, changes);
    }
    return { ...base, errorCode: 0, errorMessage: null };
  });
  return { throttleTimeMs: 0, responses };
});
