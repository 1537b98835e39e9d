// IncrementalAlterConfigs v0-1: SET (0), DELETE (1), APPEND (2) and SUBTRACT (3) on single
// topic configs; list operations apply to LIST configs such as cleanup.policy. The request's
// shape is checked first, as Kafka's ConfigAdminManager does before anything else: a resource
// named twice, a config named twice in one resource, a null value for any operation but
// DELETE.
import { topicConfigDef, validateTopicConfigs } from '../log/config.js';
import { IncrementalAlterConfigs } from '../../protocol/apis/incrementalAlterConfigs.js';
import { code } from '../../protocol/errors.js';
import { alterShapeProblem, RESOURCE_BROKER, RESOURCE_TOPIC, resourceCounts } from './configs.js';
import { handler } from './types.js';

export default handler(IncrementalAlterConfigs, (req, ctx) => {
  const { broker } = ctx;
  const named = resourceCounts(req.resources);
  const responses = req.resources.map((res) => {
    const base = { resourceType: res.resourceType, resourceName: res.resourceName };
    const fail = (name: string, message: string) => ({ ...base, errorCode: code(name), errorMessage: message });
    const shape = alterShapeProblem(res, named);
    if (shape) return fail('INVALID_REQUEST', shape);
    if (res.resourceType === RESOURCE_BROKER) return fail('INVALID_REQUEST', 'Broker configs of the bundled broker are static (set them when starting it).');
    if (res.resourceType !== RESOURCE_TOPIC) return fail('INVALID_REQUEST', `Unsupported resource type ${res.resourceType}`);
    const t = broker.store.getTopic(res.resourceName);
    if (!t) return fail('UNKNOWN_TOPIC_OR_PARTITION', `The topic '${res.resourceName}' does not exist.`); // Kafka's words
    const next: Record<string, string> = { ...t.configs };
    for (const c of res.configs) {
      const def = topicConfigDef(c.name);
      if (!def) return fail('INVALID_CONFIG', `Unknown topic config name: ${c.name}`);
      const current = (next[c.name] ?? def.default).split(',').map((s) => s.trim()).filter(Boolean);
      const items = (c.value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      switch (c.configOperation) {
        case 0:
          next[c.name] = c.value as string;
          break;
        case 1:
          delete next[c.name];
          break;
        case 2:
        case 3:
          if (def.type !== 'LIST') return fail('INVALID_CONFIG', `Config value append/subtract is not allowed for config key ${c.name}`);
          next[c.name] = (c.configOperation === 2 ? [...current, ...items.filter((i) => !current.includes(i))] : current.filter((i) => !items.includes(i))).join(',');
          break;
        default:
          return fail('INVALID_REQUEST', `Unknown config operation ${c.configOperation}`);
      }
    }
    const problem = validateTopicConfigs(next);
    if (problem) return fail('INVALID_CONFIG', problem);
    if (!req.validateOnly) {
      const changes: Record<string, string | null> = { ...next };
      for (const name of Object.keys(t.configs)) if (!(name in next)) changes[name] = null;
      broker.store.alterTopicConfigs(t.name, changes);
    }
    return { ...base, errorCode: 0, errorMessage: null };
  });
  return { throttleTimeMs: 0, responses };
});
