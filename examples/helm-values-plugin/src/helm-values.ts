import { writeFile } from 'node:fs/promises';
import type { DeployerPluginConfig, HookBuildReport } from '@deployer/contracts';

/**
 * The Helm values a chart reads its images from: per service, the image by digest (what was pushed, never
 * a tag that may move), its repository and digest apart for charts that take them so. Services without a
 * digest (failed) are left out: the platform's deploy step keeps what it runs for them.
 */
export function helmValuesYaml(report: HookBuildReport): string {
  const lines = [
    `# written by deployer after build ${report.buildUuid}`,
    `buildUuid: ${quote(report.buildUuid)}`,
  ];
  const services = report.services.filter((service) => service.digest !== null);
  lines.push(services.length === 0 ? 'images: {}' : 'images:');
  for (const service of services) {
    const repository = repositoryOf(service.image);
    lines.push(
      `  ${quote(service.service)}:`,
      `    image: ${quote(`${repository}@${service.digest}`)}`,
      `    repository: ${quote(repository)}`,
      `    digest: ${quote(service.digest as string)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The plugin: after every build, the values file at `file` (overwritten whole, one build's images). */
export function helmValuesPlugin(options: { file: string }): DeployerPluginConfig {
  return {
    hooks: {
      async afterBuild({ report }) {
        await writeFile(options.file, helmValuesYaml(report));
      },
    },
  };
}

/** `registry:5000/shop/web:tag` → `registry:5000/shop/web`: the tag goes, a registry port stays. */
function repositoryOf(image: string): string {
  const withoutDigest = image.split('@')[0] as string;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** A YAML double-quoted scalar: JSON's string syntax is YAML's, so any name or ref stays one value. */
function quote(value: string): string {
  return JSON.stringify(value);
}
