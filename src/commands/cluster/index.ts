import { KtCommand } from '../../cli/base.js';
import { out } from '../../cli/output.js';
import type { ClusterDescription } from '../../client/clusterModel.js';

export default class Cluster extends KtCommand {
  static override summary = 'Show the cluster: id, controller and brokers (host, port, rack).';
  static override description =
    'Asks one broker for the cluster metadata (without listing topics) and prints the cluster id, the ' +
    'controller and a table of brokers. Subcommands: api-versions (kafka-broker-api-versions), check ' +
    '(a CI smoke check).\n\n' +
    'JSON (--json): {"clusterId":"kt-local","controller":0,"brokers":[{"nodeId":0,"host":"127.0.0.1",' +
    '"port":9092,"rack":null,"controller":true}]}';
  static override enableJsonFlag = true;
  static override examples = [
    'kt cluster',
    'kt cluster --json',
    'kt cluster -b localhost:9092',
    'kt cluster api-versions',
    'kt cluster check --topic orders',
  ];

  async run(): Promise<ClusterDescription> {
    const { flags } = await this.parse(Cluster);
    const conn = await this.connection(flags);
    const [{ openKafka }, { withSession }, { describeCluster }, { clusterText }] = await Promise.all([
      import('../../client/index.js'),
      import('../../client/admin.js'),
      import('../../client/cluster.js'),
      import('../../format/cluster.js'),
    ]);
    const h = await openKafka(conn, { clientId: 'kt-admin' });
    const info = await withSession(h, describeCluster);
    this.log(clusterText(info, out().bold));
    return info;
  }
}
