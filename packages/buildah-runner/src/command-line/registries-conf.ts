/**
 * A registries.conf that marks the given registries insecure (plain HTTP) on top of a base config.
 * `buildah build` has one `--tls-verify` for every registry it talks to (base images, cache, push);
 * this keeps TLS verification on for all registries but the insecure ones.
 */
export function renderRegistriesConf(base: string, insecureRegistries: readonly string[]): string {
  const entries = [...new Set(insecureRegistries)].map(
    (location) => `[[registry]]\nlocation = ${JSON.stringify(location)}\ninsecure = true\n`,
  );
  const separator = base === '' || base.endsWith('\n') ? '' : '\n';
  return `${base}${separator}\n# Added by @deployer/buildah-runner\n${entries.join('\n')}`;
}
