export { helmValuesPlugin, helmValuesYaml } from './helm-values.ts';
export { type LoggedEngineOptions, loggedEngine } from './logged-engine.ts';
