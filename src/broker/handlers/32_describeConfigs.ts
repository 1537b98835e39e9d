// DescribeConfigs v0-4: topic configs (every known one, with its effective value and
// source) and broker configs. v1+ can include synonyms (the broker config behind a topic
// default), v3+ types and documentation.
import { BROKER_CONFIGS, describeTopicConfigs } from '../log/config.js';
import { DescribeConfigs } from '../../protocol/apis/describeConfigs.js';
import { code } from '../../protocol/errors.js';
import { RESOURCE_BROKER, RESOURCE_TOPIC, sourceNumber, typeNumber } from './configs.js';
import { handler } from './types.js';

export default handler(DescribeConfigs, (req, ctx) => {
  const { broker } = ctx;
  const results = req.resources.map((res) => {
    const base = { resourceType: res.resourceType, resourceName: res.resourceName };
    const wanted = (name: string) => res.configurationKeys === null || res.configurationKeys.length === 0 || res.configurationKeys.includes(name);
    if (res.resourceType === RESOURCE_TOPIC) {
      const t = broker.store.getTopic(res.resourceName);
      if (!t) return { ...base, errorCode: code('UNKNOWN_TOPIC_OR_PARTITION'), errorMessage: '', configs: [] }; // Kafka: no message
      const configs = describeTopicConfigs(t.configs, broker.store.defaults)
        .filter((c) => wanted(c.name))
        .map((c) => {
          // Kafka's synonym order: the topic override, then the broker config it falls back
          // to, under the broker config's own name (static when the broker sets it, default).
          const synonyms = [];
          if (c.source === 'TOPIC_CONFIG') synonyms.push({ name: c.name, value: c.value, source: sourceNumber('TOPIC_CONFIG') });
          if (c.def.synonym) {
            const brokerValue = broker.store.defaults[c.def.synonym];
            if (brokerValue !== undefined && brokerValue !== c.def.default) {
              synonyms.push({ name: c.def.synonym, value: brokerValue, source: sourceNumber('STATIC_BROKER_CONFIG') });
            }
            if (!c.def.derivedDefault) synonyms.push({ name: c.def.synonym, value: c.def.default, source: sourceNumber('DEFAULT_CONFIG') });
          }
          return {
            name: c.name,
            value: c.value,
            readOnly: false,
            isDefault: c.source !== 'TOPIC_CONFIG',
            configSource: sourceNumber(c.source),
            isSensitive: false,
            synonyms: req.includeSynonyms ? synonyms : [],
            configType: typeNumber(c.def.type),
            documentation: req.includeDocumentation ? c.def.doc : null,
          };
        });
      return { ...base, errorCode: 0, errorMessage: '', configs }; // Kafka: an empty message on success
    }
    if (res.resourceType === RESOURCE_BROKER) {
      if (res.resourceName !== '' && res.resourceName !== String(broker.nodeId)) {
        return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Unexpected broker id, expected ${broker.nodeId} but received ${res.resourceName}`, configs: [] };
      }
      const configs = BROKER_CONFIGS.filter((d) => wanted(d.name)).map((d) => {
        const value = broker.store.defaults[d.name] ?? d.default;
        const source = value === d.default ? 5 : 4;
        return {
          name: d.name,
          value,
          readOnly: true,
          isDefault: source === 5,
          configSource: source,
          isSensitive: false,
          synonyms: req.includeSynonyms ? [{ name: d.name, value, source }] : [],
          configType: typeNumber(d.type),
          documentation: req.includeDocumentation ? d.doc : null,
        };
      });
      return { ...base, errorCode: 0, errorMessage: '', configs }; // Kafka: an empty message on success
    }
    return { ...base, errorCode: code('INVALID_REQUEST'), errorMessage: `Unsupported resource type ${res.resourceType}`, configs: [] };
  });
  return { throttleTimeMs: 0, results };
});
