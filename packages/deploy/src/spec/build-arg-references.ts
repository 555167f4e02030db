import { SpecError } from '../errors.js';
import { formatSpecPath } from './spec-path.js';

/** Anything that looks like one of our references; what is not one of the forms below is an error. */
const candidatePattern = /\$\{((?:registry|services)\.[^}]*)\}/g;
const servicePattern = /^services\.(.+)\.image$/;
const registryFields = new Set(['registry.host', 'registry.repository']);

export interface InterpolationContext {
  registry: { host: string; repository: string };
  /** The image ref each already-planned service is pushed to. */
  images: ReadonlyMap<string, string>;
}

/** The services a build argument value refers to through `${services.<name>.image}`. */
export function referencedServices(value: string): string[] {
  const names: string[] = [];
  for (const match of value.matchAll(candidatePattern)) {
    const service = servicePattern.exec(match[1]!)?.[1];
    if (service !== undefined) names.push(service);
  }
  return names;
}

/**
 * Checks the references in one service's build arguments: known forms only, and a service referenced
 * must be one the service dependsOn (else its image might not exist yet when the build starts).
 */
export function checkArgReferences(
  service: string,
  args: Readonly<Record<string, string>>,
  dependsOn: readonly string[],
): void {
  for (const [name, value] of Object.entries(args)) {
    const path = formatSpecPath(['services', service, 'args', name]);
    for (const match of value.matchAll(candidatePattern)) {
      const reference = match[1]!;
      const referenced = servicePattern.exec(reference)?.[1];
      if (referenced === undefined && !registryFields.has(reference)) {
        throw new SpecError('INVALID_REFERENCE', {
          path,
          detail: `unknown reference \${${reference}}; use \${registry.host}, \${registry.repository} or \${services.<name>.image}`,
        });
      }
      if (referenced !== undefined && !dependsOn.includes(referenced)) {
        throw new SpecError('INVALID_REFERENCE', {
          path,
          detail: `refers to service ${JSON.stringify(referenced)}, which ${service} must list in dependsOn`,
        });
      }
    }
  }
}

/** Replaces the references in build arguments with their values. */
export function interpolateArgs(
  args: Readonly<Record<string, string>>,
  context: InterpolationContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    out[name] = value.replace(candidatePattern, (whole, reference: string) => {
      if (reference === 'registry.host') return context.registry.host;
      if (reference === 'registry.repository') return context.registry.repository;
      const service = servicePattern.exec(reference)?.[1];
      const image = service === undefined ? undefined : context.images.get(service);
      if (image === undefined) throw new Error(`unresolved build argument reference ${whole}`);
      return image;
    });
  }
  return out;
}
