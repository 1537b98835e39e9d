// DescribeConfigs (key 32). We implement 0-4. configurationKeys is nullable (null = all keys).
// v0 answers isDefault per entry; v1 replaces it with configSource and adds includeSynonyms and
// synonyms; v3 adds includeDocumentation, configType and documentation; v4 is flexible.
// Resource types: 2 topic, 4 broker, 8 broker logger.
import { defineApi, f } from '../schema.js';

export const DescribeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  min: 0,
  max: 4,
  flexible: 4,
  request: {
    resources: [{ resourceType: 'int8', resourceName: 'string', configurationKeys: f(['string'], { nullable: '0+' }) }],
    includeSynonyms: f('bool', { v: '1+' }),
    includeDocumentation: f('bool', { v: '3+' }),
  },
  response: {
    throttleTimeMs: 'int32',
    results: [
      {
        errorCode: 'int16',
        errorMessage: 'string?',
        resourceType: 'int8',
        resourceName: 'string',
        configs: [
          {
            name: 'string',
            value: 'string?',
            readOnly: 'bool',
            isDefault: f('bool', { v: '0' }),
            configSource: f('int8', { v: '1+', default: -1 }),
            isSensitive: 'bool',
            synonyms: f([{ name: 'string', value: 'string?', source: 'int8' }], { v: '1+' }),
            configType: f('int8', { v: '3+' }),
            documentation: f('string?', { v: '3+' }),
          },
        ],
      },
    ],
  },
});
