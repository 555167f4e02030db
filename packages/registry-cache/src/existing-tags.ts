import { type CallOptions, isRegistryError, type RegistryClient } from '@deployer/registry';

/** A repository's tags; none when it does not exist or all its tags were deleted. */
export async function existingTags(
  client: RegistryClient,
  repository: string,
  options: CallOptions = {},
): Promise<string[]> {
  try {
    return await client.listTags(repository, options);
  } catch (error) {
    if (isRegistryError(error, 'NAME_UNKNOWN')) return [];
    throw error;
  }
}
