import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createServerMetrics } from '../src/metrics/index.js';

const dashboardPath = new URL('../../../examples/grafana/deployer-dashboard.json', import.meta.url);

interface Target {
  expr: string;
  refId: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  title: string;
  datasource: { type: string; uid: string };
  targets: Target[];
}
interface Dashboard {
  templating: { list: Array<{ name: string; type: string; query: unknown }> };
  panels: Panel[];
}

/** Grafana's reference to the dashboard's datasource variable. */
const datasourceVariable = ['$', '{datasource}'].join('');

/** Every metric name a PromQL text names (deployer's metrics all start with `deployer_`). */
function metricsIn(promql: string): string[] {
  return [...promql.matchAll(/\bdeployer_[a-z0-9_]+/g)].map((match) => match[0]);
}

describe('examples/grafana/deployer-dashboard.json', () => {
  it("queries exactly the server's metrics, through the Prometheus datasource variable", async () => {
    const dashboard = JSON.parse(await readFile(dashboardPath, 'utf8')) as Dashboard;
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    const registered = new Map(
      (await metrics.registry.getMetricsAsJSON()).map((metric) => [metric.name, String(metric.type)]),
    );

    const datasource = dashboard.templating.list.find((variable) => variable.type === 'datasource');
    expect(datasource).toMatchObject({ name: 'datasource', query: 'prometheus' });

    const queries = [
      ...dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)),
      ...dashboard.templating.list.map((variable) => JSON.stringify(variable.query ?? '')),
    ];
    const queried = new Set(queries.flatMap(metricsIn));
    const used = new Set<string>();
    for (const name of queried) {
      // A histogram is queried through its _bucket, _sum and _count series.
      const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
      const metric = registered.has(name) ? name : histogram;
      expect(
        metric !== undefined && registered.has(metric),
        `${name} is not a metric the server exposes`,
      ).toBe(true);
      if (metric !== name)
        expect(registered.get(metric!), `${name}: ${metric} is not a histogram`).toBe('histogram');
      used.add(metric!);
    }
    expect([...used].sort()).toEqual([...registered.keys()].sort());

    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: datasourceVariable });
      for (const target of panel.targets) expect(target.datasource.uid, panel.title).toBe(datasourceVariable);
    }
  });
});
