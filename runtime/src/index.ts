/**
 * @infinitic/runtime — Infinitic's model in TypeScript: services, durable workflows and clients
 * over Apache Pulsar with Redis, PostgreSQL or MySQL storage.
 */
export { InfiniticError } from './errors.ts';
export const RUNTIME_VERSION = '0.1.0';
