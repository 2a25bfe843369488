/**
 * Images of the stack: an image already on the engine is used as is; a missing one is pulled with
 * progress; when that fails the error names the image and how to provide it. The worker image is
 * built from the project's Dockerfile with the legacy builder.
 */
import type Docker from 'dockerode';
import { buildContext } from './build-context.ts';
import { STACK_CODES, StackError } from './errors.ts';
import { LABELS } from './labels.ts';
import type { StackModel, StackService } from './model.ts';

export type Progress = (message: string) => void;

function follow(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (event: Record<string, unknown>) => void,
) {
  return new Promise<void>((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => (err || failure ? reject(new Error(failure ?? err?.message)) : resolve()),
      (event: Record<string, unknown>) => {
        // errors during a pull or build arrive as entries of the progress stream
        if (typeof event.error === 'string') failure ??= event.error.trim();
        else onEvent(event);
      },
    );
  });
}

async function hasImage(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

function howToProvide(service: StackService, image: string): string {
  const variable = service.imageEnv ? `${service.imageEnv}=<image you have>` : '';
  return `load it (docker load -i <file>) or build it (docker build -t ${image} <dir>), or point ${variable || 'the image setting'} or dev.images.${service.name} in config/dev.yml at an image already on this engine`;
}

/** Makes sure the service's image is on the engine, pulling it with progress if needed. */
export async function ensureImage(docker: Docker, service: StackService, progress: Progress = () => {}) {
  const image = service.image;
  if (await hasImage(docker, image)) return;
  progress(`pulling ${image}`);
  let last = 0;
  try {
    const stream = await docker.pull(image);
    await follow(docker, stream, (event) => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      const detail = event.progress ? ` ${String(event.progress)}` : '';
      progress(`pulling ${image}: ${String(event.status ?? '')}${detail}`);
    });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200);
    throw new StackError(
      STACK_CODES.imageMissing,
      `image ${image} (${service.name}) is not on this Docker engine and pulling it failed (${reason}); ${howToProvide(service, image)}`,
    );
  }
  if (!(await hasImage(docker, image))) {
    throw new StackError(
      STACK_CODES.imageMissing,
      `image ${image} is still missing after the pull; ${howToProvide(service, image)}`,
    );
  }
}

/** Builds the worker image from the project's Dockerfile; returns the image id. */
export async function buildWorkerImage(
  docker: Docker,
  model: StackModel,
  service: StackService,
  progress: Progress = () => {},
): Promise<string> {
  const build = service.build;
  if (!build) throw new StackError(STACK_CODES.build, `${service.name} has no build definition`);
  progress(
    `building ${service.image} from ${build.context}/${build.dockerfile} (${build.arg}=${build.argValue})`,
  );
  // The base image must be present: the legacy builder would try to pull it otherwise.
  if (!(await hasImage(docker, build.argValue))) {
    throw new StackError(
      STACK_CODES.imageMissing,
      `base image ${build.argValue} of the worker build is not on this Docker engine; load or build it, or set ${build.argEnv} (or dev.images.node in config/dev.yml) to an image you have`,
    );
  }
  const output: string[] = [];
  try {
    const stream = await docker.buildImage(buildContext(build.context, model.caBundle), {
      t: service.image,
      dockerfile: build.dockerfile,
      buildargs: { [build.arg]: build.argValue },
      labels: { ...model.extraLabels, [LABELS.project]: model.project, [LABELS.service]: service.name },
      forcerm: true,
      version: '1',
    } as Docker.ImageBuildOptions);
    await follow(docker, stream, (event) => {
      const line = typeof event.stream === 'string' ? event.stream.trim() : '';
      if (!line) return;
      output.push(line);
      if (line.startsWith('Step ')) progress(`building ${service.image}: ${line}`);
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const tail = output.slice(-5).join(' | ');
    throw new StackError(
      STACK_CODES.build,
      `building ${service.image} from ${build.context}/${build.dockerfile} failed: ${reason}${tail ? ` (last output: ${tail})` : ''}`,
    );
  }
  const info = await docker.getImage(service.image).inspect();
  return info.Id;
}

/** The id of an image on the engine. */
export async function imageId(docker: Docker, image: string): Promise<string> {
  return (await docker.getImage(image).inspect()).Id;
}
