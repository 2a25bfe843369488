/** `transport:` — Pulsar (production) or inMemory (one process, nothing persisted). */
import * as z from 'zod';
import { int, nonBlank, nullAsEmpty, seconds } from './common.ts';

const str = () => z.string();
const bool = () => z.boolean();

const authenticationSchema = z
  .strictObject({
    token: str().optional().describe('JWT token authentication'),
    issuerUrl: str().optional().describe('OAuth2 issuer URL'),
    privateKey: str().optional().describe('OAuth2 credentials URL or Athenz private key'),
    audience: str().optional().describe('OAuth2 audience'),
    tenantDomain: str().optional().describe('Athenz tenant domain'),
    tenantService: str().optional().describe('Athenz tenant service'),
    providerDomain: str().optional().describe('Athenz provider domain'),
    keyId: str().optional().describe('Athenz key id (default "0")'),
  })
  .superRefine((auth, ctx) => {
    const oauth = auth.issuerUrl !== undefined || auth.audience !== undefined;
    const athenz = auth.tenantDomain !== undefined || auth.tenantService !== undefined;
    const kinds = [auth.token !== undefined, oauth, athenz].filter(Boolean).length;
    if (kinds !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          'authentication needs exactly one of: {token}, OAuth2 {issuerUrl, privateKey, audience}, Athenz {tenantDomain, tenantService, providerDomain, privateKey}',
      });
      return;
    }
    const need = oauth
      ? ['issuerUrl', 'privateKey']
      : athenz
        ? ['tenantService', 'providerDomain', 'privateKey']
        : [];
    for (const key of need) {
      if (auth[key as keyof typeof auth] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `missing required key '${key}'` });
      }
    }
  })
  .describe('Client authentication, chosen by shape: token, OAuth2 or Athenz');

const clientSchema = z
  .strictObject({
    listenerName: str().optional(),
    connectionMaxIdleSeconds: int(0).optional(),
    authentication: authenticationSchema.optional(),
    operationTimeoutSeconds: seconds().optional(),
    lookupTimeoutSeconds: seconds().optional(),
    ioThreads: int(1).optional().describe('Threads handling broker connections'),
    listenerThreads: int(1).optional(),
    connectionsPerBroker: int(1).optional(),
    enableTcpNoDelay: bool().optional(),
    tlsKeyFilePath: str().optional().describe('Client TLS private key file'),
    tlsCertificateFilePath: str().optional().describe('Client TLS certificate file'),
    tlsTrustCertsFilePath: str().optional().describe('CA bundle trusted for the broker'),
    allowTlsInsecureConnection: bool().optional().describe('Accept untrusted broker certificates'),
    enableTlsHostnameVerification: bool()
      .optional()
      .describe('Check the broker host name against its certificate'),
    useKeyStoreTls: bool().optional(),
    sslProvider: str().optional(),
    tlsKeyStoreType: str().optional(),
    tlsKeyStorePath: str().optional(),
    tlsKeyStorePassword: str().optional(),
    tlsTrustStoreType: str().optional(),
    tlsTrustStorePath: str().optional(),
    tlsTrustStorePassword: str().optional(),
    tlsCiphers: z.array(str()).optional(),
    tlsProtocols: z.array(str()).optional(),
    memoryLimitMB: int(0).optional().describe('Client memory limit for pending messages'),
    statsIntervalSeconds: seconds().optional(),
    maxConcurrentLookupRequests: int(1).optional(),
    maxLookupRequests: int(1).optional(),
    maxLookupRedirects: int(0).optional(),
    maxNumberOfRejectedRequestPerConnection: int(0).optional(),
    keepAliveIntervalSeconds: seconds().optional(),
    connectionTimeoutSeconds: seconds().optional(),
    startingBackoffIntervalSeconds: seconds().optional(),
    maxBackoffIntervalSeconds: seconds().optional(),
    enableBusyWait: bool().optional(),
    enableTransaction: bool().optional(),
    socks5ProxyUsername: str().optional(),
    socks5ProxyPassword: str().optional(),
    readTimeoutSeconds: seconds().optional().describe('Admin client only'),
    requestTimeoutSeconds: seconds().optional().describe('Admin client only'),
    autoCertRefreshTime: seconds().optional().describe('Admin client only'),
  })
  .describe('Pulsar client (also configures the admin client)');

const producerSchema = z
  .strictObject({
    autoUpdatePartitions: bool().optional(),
    autoUpdatePartitionsIntervalSeconds: seconds().optional(),
    batchingMaxBytes: int(1).optional(),
    batchingMaxMessages: int(1).optional(),
    batchingMaxPublishDelaySeconds: z.number().min(0).optional(),
    blockIfQueueFull: bool().default(true),
    compressionType: z.enum(['NONE', 'LZ4', 'ZLIB', 'ZSTD', 'SNAPPY']).optional(),
    cryptoFailureAction: z.enum(['FAIL', 'SEND']).optional(),
    defaultCryptoKeyReader: str().optional(),
    encryptionKey: str().optional(),
    enableBatching: bool().optional(),
    enableChunking: bool().optional(),
    enableLazyStartPartitionedProducers: bool().optional(),
    enableMultiSchema: bool().optional(),
    hashingScheme: z.enum(['JavaStringHash', 'Murmur3_32Hash']).optional(),
    messageRoutingMode: z.enum(['SinglePartition', 'RoundRobinPartition', 'CustomPartition']).optional(),
    properties: z.record(str(), str()).optional(),
    roundRobinRouterBatchingPartitionSwitchFrequency: int(1).optional(),
    sendTimeoutSeconds: z.number().min(0).optional(),
  })
  .describe('Pulsar producers');

const consumerSchema = z
  .strictObject({
    loadConf: z.record(str(), z.unknown()).optional(),
    subscriptionProperties: z.record(str(), str()).optional(),
    ackTimeoutSeconds: z.number().min(0).optional(),
    isAckReceiptEnabled: bool().optional(),
    ackTimeoutTickTimeSeconds: seconds().optional(),
    negativeAckRedeliveryDelaySeconds: z
      .number()
      .min(0)
      .optional()
      .describe('Delay before a failed message is redelivered (Pulsar default 60)'),
    defaultCryptoKeyReader: str().optional(),
    cryptoFailureAction: z.enum(['FAIL', 'DISCARD', 'CONSUME']).optional(),
    receiverQueueSize: int(0).optional().describe('Messages prefetched per consumer'),
    acknowledgmentGroupTimeSeconds: z.number().min(0).optional(),
    replicateSubscriptionState: bool().optional(),
    maxTotalReceiverQueueSizeAcrossPartitions: int(0).optional(),
    priorityLevel: int(0).optional(),
    properties: z.record(str(), str()).optional(),
    autoUpdatePartitions: bool().optional(),
    autoUpdatePartitionsIntervalSeconds: seconds().optional(),
    enableBatchIndexAcknowledgment: bool().optional(),
    maxPendingChunkedMessage: int(1).optional(),
    autoAckOldestChunkedMessageOnQueueFull: bool().optional(),
    expireTimeOfIncompleteChunkedMessageSeconds: seconds().optional(),
    startPaused: bool().optional(),
    maxRedeliverCount: int(1)
      .default(3)
      .describe('Deliveries before a message goes to the dead letter topic'),
  })
  .describe('Pulsar consumers');

const policiesSchema = z
  .strictObject({
    retentionTimeMinutes: int(-1)
      .default(10080)
      .describe('Minutes acknowledged messages are kept (-1: for ever)'),
    retentionSizeMB: int(-1).default(1024).describe('Megabytes of acknowledged messages kept (-1: no limit)'),
    messageTTLSeconds: int(0)
      .default(1209600)
      .describe('Seconds before an unacknowledged message expires (0: never)'),
    timerTTLSeconds: int(0)
      .default(31622400)
      .describe(
        'TTL of the workflow-engine topics, which carry the timers (set when their topic is created)',
      ),
    delayedDeliveryTickTimeMillis: int(1)
      .default(1000)
      .describe(
        "Accepted, not applied: on Pulsar 4.0.8 a namespace-level delayed-delivery policy made delayed messages arrive at once; the broker's setting applies",
      ),
    maxDeliveryDelayInMillis: int(0)
      .default(0)
      .describe('Accepted, not applied (as delayedDeliveryTickTimeMillis); the broker setting applies'),
    schemaCompatibilityStrategy: z
      .enum([
        'UNDEFINED',
        'ALWAYS_INCOMPATIBLE',
        'ALWAYS_COMPATIBLE',
        'BACKWARD',
        'FORWARD',
        'FULL',
        'BACKWARD_TRANSITIVE',
        'FORWARD_TRANSITIVE',
        'FULL_TRANSITIVE',
      ])
      .default('BACKWARD_TRANSITIVE'),
    // Infinitic: false. true here: clients receive results on `response:{client}` topics with
    // generated names, which a least-privilege role can only get from auto topic creation.
    allowAutoTopicCreation: bool()
      .default(true)
      .describe(
        "Infinitic's default is false; true here so clients' response topics are created on first use. false: every topic must exist before use (workers and clients create those they use when their role may)",
      ),
    schemaValidationEnforced: bool().default(true),
    isAllowAutoUpdateSchema: bool().default(true),
    deduplicationEnabled: bool()
      .default(true)
      .describe(
        'Broker-side deduplication, as in Infinitic; measured here at ~15% of throughput (runtime/src/transport/README.md)',
      ),
  })
  .describe(
    "Infinitic's namespace policies, applied when a worker, a client or pulsar/provision.sh creates the namespace; an existing namespace is left as it is",
  );

/** `transport.pulsar.policies` as a config that leaves them out gets them: Infinitic's defaults. */
export function defaultPulsarPolicies(): z.output<typeof policiesSchema> {
  return policiesSchema.parse({});
}

export const pulsarSchema = z
  .strictObject({
    brokerServiceUrl: z
      .string()
      .refine((url) => /^pulsar(\+ssl)?:\/\//.test(url), {
        message: 'The brokerServiceUrl value MUST start with pulsar:// or pulsar+ssl://',
      })
      .describe('Binary protocol URL (pulsar:// or pulsar+ssl://)'),
    webServiceUrl: nonBlank('webServiceUrl')
      .refine((url) => url.trim() === '' || /^https?:\/\//.test(url), {
        message: 'webServiceUrl MUST start with http:// or https://',
      })
      .describe('Admin REST and WebSocket URL (http:// or https://)'),
    webSocketUrl: z
      .string()
      .regex(/^wss?:\/\//, 'webSocketUrl MUST start with ws:// or wss://')
      .optional()
      .describe('WebSocket API URL when it is not served by webServiceUrl'),
    tenant: nonBlank('tenant').describe('Pulsar tenant (created if missing)'),
    namespace: nonBlank('namespace').describe('Pulsar namespace (created if missing)'),
    allowedClusters: z.array(str()).optional().describe('Clusters allowed for a created tenant'),
    adminRoles: z.array(str()).optional().describe('Admin roles of a created tenant'),
    client: clientSchema.optional(),
    producer: producerSchema.prefault({}),
    consumer: consumerSchema.prefault({}),
    policies: policiesSchema.prefault({}),
  })
  .describe('Apache Pulsar transport');

const inMemorySchema = nullAsEmpty(z.strictObject({})).describe(
  'In-process transport: one process, nothing persisted',
);

const transportObject = z
  .strictObject({
    shutdownGracePeriodSeconds: seconds()
      .optional()
      .describe('Time given to in-flight messages on shutdown (default 30 with Pulsar, 5 in memory)'),
    pulsar: pulsarSchema.optional(),
    inMemory: inMemorySchema.optional(),
  })
  .superRefine((t, ctx) => {
    const count = Number(t.pulsar !== undefined) + Number(t.inMemory !== undefined);
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          count === 0
            ? 'transport needs pulsar: {...} or inMemory'
            : 'transport has both pulsar and inMemory; keep one',
      });
    }
  })
  .transform((t) => ({
    ...t,
    shutdownGracePeriodSeconds: t.shutdownGracePeriodSeconds ?? (t.pulsar ? 30 : 5),
  }));

/** `transport: inMemory` is shorthand for `transport: {inMemory: {}}`. */
export const transportSchema = z
  .preprocess((value) => (value === 'inMemory' ? { inMemory: {} } : value), transportObject)
  .describe('Message transport: pulsar or inMemory');

export const transportShape = { transport: transportSchema };
