// ApiVersions (key 18). Versions 0-5; v3 is flexible. v4 only lets supported features with a
// minimum version of 0 be listed (KAFKA-17011: none here); v5 adds the clusterId / nodeId the
// client expects (KIP-1242): a mismatch is answered REBOOTSTRAP_REQUIRED. The response header is always v0
// (KIP-511), and an unsupported request version is answered with a v0 body carrying
// UNSUPPORTED_VERSION and our ApiVersions range, so the client can retry lower.
import { defineApi, f } from '../schema.js';

export const ApiVersions = defineApi({
  key: 18,
  name: 'ApiVersions',
  min: 0,
  max: 5,
  flexible: 3,
  request: {
    clientSoftwareName: f('string', { v: '3+' }),
    clientSoftwareVersion: f('string', { v: '3+' }),
    clusterId: f('string?', { v: '5+' }),
    nodeId: f('int32', { v: '5+', default: -1 }),
  },
  response: {
    errorCode: 'int16',
    apiKeys: [{ apiKey: 'int16', minVersion: 'int16', maxVersion: 'int16' }],
    throttleTimeMs: f('int32', { v: '1+' }),
    supportedFeatures: f([{ name: 'string', minVersion: 'int16', maxVersion: 'int16' }], { v: '3+', tag: 0 }),
    finalizedFeaturesEpoch: f('int64', { v: '3+', tag: 1, default: -1 }),
    finalizedFeatures: f([{ name: 'string', maxVersionLevel: 'int16', minVersionLevel: 'int16' }], { v: '3+', tag: 2 }),
    zkMigrationReady: f('bool', { v: '3+', tag: 3 }),
  },
});
