import { describe, expect, it } from 'vitest';
import { SpecError } from '../src/index.js';
import { dependencyOrder, withDependencies } from '../src/spec/service-dependencies.js';

const nodes = [
  { name: 'web', dependsOn: ['api'] },
  { name: 'api', dependsOn: ['base'] },
  { name: 'worker', dependsOn: ['base'] },
  { name: 'base', dependsOn: [] },
];

describe('dependency graph', () => {
  it('orders dependencies first, declaration order otherwise', () => {
    expect(dependencyOrder(nodes)).toEqual(['base', 'api', 'web', 'worker']);
  });

  it('names a cycle, including a self-dependency', () => {
    const cycle = () => dependencyOrder([...nodes.slice(0, 3), { name: 'base', dependsOn: ['web'] }]);
    expect(cycle).toThrow(SpecError);
    expect(cycle).toThrow('web → api → base → web');
    expect(() => dependencyOrder([{ name: 'solo', dependsOn: ['solo'] }])).toThrow('solo → solo');
  });

  it('selects dependencies transitively', () => {
    expect([...withDependencies(nodes, ['web'])].sort()).toEqual(['api', 'base', 'web']);
  });
});
