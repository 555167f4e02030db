// A config module as a platform team would keep it beside its pipeline: `deployer build --config-module
// examples/helm-values-plugin/deployer.config.ts --engine logged-buildkit …` (or DEPLOYER_CONFIG_MODULE).
import { defineConfig } from '@deployer/contracts';
import { helmValuesPlugin } from './src/helm-values.ts';
import { loggedEngine } from './src/logged-engine.ts';

export default defineConfig({
  plugins: [
    helmValuesPlugin({ file: process.env.HELM_VALUES_FILE ?? 'deployer-images.values.yaml' }),
    () => ({
      engines: [
        loggedEngine({
          name: 'logged-buildkit',
          base: 'buildkit',
          cacheFlavour: 'buildkit',
          labels: { 'org.example.built-by': 'deployer' },
        }),
      ],
    }),
  ],
});
