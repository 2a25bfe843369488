import { StorageError, storageFailure } from './errors.ts';

/**
 * Loads a storage driver package on first use rather than when the runtime is imported, so a
 * process that never opens that backend (the CLI, a worker on another storage) does not pay for
 * it. A package that is not installed is a StorageError saying which one to add.
 */
export async function loadDriver<M>(where: string, name: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: string } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new StorageError(
        `${where}: the driver package '${name}' is not installed; add it to the project (npm install ${name})`,
        { cause: error },
      );
    }
    throw storageFailure(where, `load driver '${name}'`, error);
  }
}
