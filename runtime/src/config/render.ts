/**
 * `infinitic config render`: the resolved configuration as YAML or JSON, each value optionally
 * with its source (`# config/base.yml:12:9`, `# env REDIS_PORT (…)`, `# default of ${REDIS_PORT:-6379}
 * (…)`, `# default`), secrets masked unless asked, placeholders kept as written on request (promotion).
 */
import { Document, isMap, isScalar, isSeq, type Node } from 'yaml';
import { formatPath, type PathSegment } from './flatten.ts';
import type { LoadedConfig } from './load-config.ts';
import { describeOrigin, describeSource, provenanceOf } from './provenance.ts';
import type { InfiniticConfig } from './schema/index.ts';
import { isSecretPath, SECRET_MASK } from './secrets.ts';

export interface RenderOptions {
  format?: 'yaml' | 'json';
  /**
   * A comment (YAML) or `sources` and `placeholderDefaults` maps (JSON) saying where each value
   * came from.
   */
  showSources?: boolean;
  /** Print secrets instead of `****`. */
  showSecrets?: boolean;
  /** Print `${VAR}` as written instead of the resolved value (load with keepPlaceholders too). */
  keepPlaceholders?: boolean;
}

interface Rendered {
  value: unknown;
  /** Per path: the YAML comment. */
  comments: Record<string, string>;
  /** Per path: the JSON `sources` entry (file position, env variable, `default`). */
  sources: Record<string, string>;
  /** Per path whose value is a placeholder's default: that placeholder (JSON only; its own key
   * so `sources` entries keep their meaning for existing readers). */
  placeholderDefaults: Record<string, string[]>;
}

function display(config: InfiniticConfig, options: RenderOptions): Rendered {
  const paths = provenanceOf(config)?.paths;
  const rendered: Omit<Rendered, 'value'> = { comments: {}, sources: {}, placeholderDefaults: {} };
  const walk = (value: unknown, path: PathSegment[]): unknown => {
    const isLeaf =
      value === null ||
      typeof value !== 'object' ||
      (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
    if (!isLeaf) {
      if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    const key = formatPath(path);
    const info = paths?.get(key);
    const source = info?.source ?? { kind: 'default' };
    rendered.comments[key] = describeOrigin(source);
    rendered.sources[key] = describeSource(source);
    if (source.kind === 'file' && source.defaultOf) rendered.placeholderDefaults[key] = source.defaultOf;
    if (options.keepPlaceholders && info?.written !== undefined) return info.written;
    const secret = isSecretPath(path) && !options.showSecrets && value !== null && value !== '';
    return secret ? SECRET_MASK : value;
  };
  return { value: walk(config, []), ...rendered };
}

function annotate(node: Node | null | undefined, path: PathSegment[], comments: Record<string, string>) {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      annotate(pair.value as Node, [...path, key], comments);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      annotate(item as Node, [...path, i], comments);
    });
  }
  const source = comments[formatPath(path)];
  const empty = (isMap(node) || isSeq(node)) && node.items.length === 0;
  if (empty) node.flow = true;
  if (node && source && (isScalar(node) || empty)) node.comment = ` ${source}`;
}

/** Renders a loaded configuration (from loadConfig, loadEnvironment, parseConfig or validateConfigFiles). */
export function renderConfig(loaded: InfiniticConfig | LoadedConfig, options: RenderOptions = {}): string {
  const config = 'sourceOf' in loaded ? loaded.config : loaded;
  const { value, comments, sources, placeholderDefaults } = display(config, options);
  if (options.format === 'json') {
    const output = options.showSources ? { config: value, sources, placeholderDefaults } : value;
    return `${JSON.stringify(output, null, 2)}\n`;
  }
  const doc = new Document(value);
  if (options.showSources) annotate(doc.contents as Node, [], comments);
  return doc.toString({ lineWidth: 0 });
}
