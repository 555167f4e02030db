import { SpecError } from '../errors.js';
import { formatSpecPath } from './spec-path.js';

export interface DependencyNode {
  name: string;
  dependsOn: readonly string[];
}

/**
 * Services in an order where every service comes after what it depends on; declaration order otherwise.
 * Throws a SpecError for an unknown dependency or a cycle, naming it (`api → base → api`).
 */
export function dependencyOrder(nodes: readonly DependencyNode[]): string[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  for (const node of nodes) {
    node.dependsOn.forEach((dependency, index) => {
      if (!byName.has(dependency)) {
        throw new SpecError('UNKNOWN_DEPENDENCY', {
          path: formatSpecPath(['services', node.name, 'dependsOn', index]),
          detail: `unknown service ${JSON.stringify(dependency)}; services are: ${[...byName.keys()].join(', ')}`,
        });
      }
    });
  }

  const order: string[] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    const open = stack.indexOf(name);
    if (open !== -1) {
      const cycle = [...stack.slice(open), name];
      throw new SpecError('DEPENDENCY_CYCLE', {
        path: formatSpecPath(['services', name, 'dependsOn']),
        detail: `dependency cycle: ${cycle.join(' → ')}`,
      });
    }
    stack.push(name);
    for (const dependency of byName.get(name)!.dependsOn) visit(dependency);
    stack.pop();
    done.add(name);
    order.push(name);
  };
  for (const node of nodes) visit(node.name);
  return order;
}

/** The selected services and everything they depend on, transitively. */
export function withDependencies(nodes: readonly DependencyNode[], selected: Iterable<string>): Set<string> {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const result = new Set<string>();
  const add = (name: string): void => {
    if (result.has(name)) return;
    result.add(name);
    for (const dependency of byName.get(name)?.dependsOn ?? []) add(dependency);
  };
  for (const name of selected) add(name);
  return result;
}
