import type { ImportSource } from '@deployer/deploy';

/** Whose caches a build imports, in order, one line each with why: `  2. main  fallback: --fallback`. */
export function formatImportOrder(order: readonly ImportSource[]): string {
  const lines = order.map(
    (entry, index) => `  ${index + 1}. ${entry.buildUuid}  ${entry.source}: ${entry.why}\n`,
  );
  return `import order\n${lines.join('')}\n`;
}
