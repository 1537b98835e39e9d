import { KtCommand } from '../../cli/base.js';
import { EXIT } from '../../cli/errors.js';
import type { BrokerApiVersions } from '../../client/clusterModel.js';

export default class ClusterApiVersions extends KtCommand {
  static override summary = 'The API versions each broker supports (kafka-broker-api-versions).';
  static override description =
    'Asks every broker of the cluster for its ApiVersions and prints them as kafka-broker-api-versions does: ' +
    '"host:port (id: N rack: R isFenced: false) -> (" then one "Name(key): min to max [usable: V]" per line for every API ' +
    "of Kafka's client protocol, UNSUPPORTED where the broker lacks it. V is the highest version kt itself can use with " +
    "that broker (Apache's tool prints the Java client's), absent for APIs kt never sends. A broker that cannot be " +
    'reached shows "-> ERROR: <message>" (exit 1).\n\n' +
    'JSON (--json): {"brokers":[{"nodeId":0,"host":"127.0.0.1","port":9092,"rack":null,"error":null,' +
    '"apis":[{"apiKey":0,"name":"Produce","minVersion":3,"maxVersion":9,"usable":7}]}]} ' +
    '(usable is null for APIs kt does not use)';
  static override enableJsonFlag = true;
  static override examples = [
    'kt cluster api-versions',
    'kt cluster api-versions --bootstrap-server localhost:9092',
    "kt cluster api-versions --json | jq '.brokers[].apis[] | select(.name==\"Fetch\")'",
  ];

  async run(): Promise<{ brokers: BrokerApiVersions[] }> {
    const { flags } = await this.parse(ClusterApiVersions);
    const conn = await this.connection(flags);
    const [{ openKafka }, { withSession }, { brokerApiVersions, ktClientVersions }, { apiVersionsText }] = await Promise.all([
      import('../../client/index.js'),
      import('../../client/admin.js'),
      import('../../client/cluster.js'),
      import('../../format/cluster.js'),
    ]);
    const h = await openKafka(conn, { clientId: 'kt-admin' });
    const brokers = await withSession(h, brokerApiVersions);
    const client = await ktClientVersions();
    const result = { brokers };
    if (brokers.some((b) => b.error !== null)) {
      // print what was learned, then fail: a broker that cannot answer is an error for scripts
      if (this.jsonEnabled()) this.logJson(result);
      else this.log(apiVersionsText(brokers, client));
      this.exitWith(EXIT.ERROR);
    }
    this.log(apiVersionsText(brokers, client));
    return result;
  }
}
