import { execa } from 'execa';

/** The digest a registry serves for a ref, asked with skopeo (independent of buildah). */
export async function inspectDigest(ref: string): Promise<string> {
  const { stdout } = await execa('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
  return (JSON.parse(stdout) as { Digest: string }).Digest;
}

/** The tags of a repository, or null when it does not exist. */
export async function listTags(repository: string): Promise<string[] | null> {
  const result = await execa('skopeo', ['list-tags', '--tls-verify=false', `docker://${repository}`], {
    reject: false,
  });
  if (result.exitCode !== 0) {
    if (/404|name unknown/i.test(result.stderr)) return null;
    throw new Error(`skopeo list-tags ${repository}: ${result.stderr}`);
  }
  return (JSON.parse(result.stdout) as { Tags: string[] | null }).Tags ?? [];
}
