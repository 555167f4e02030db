// `node --import ./module-recorder.mjs …`: records the URL of every file module the process loads, one a
// line, in the file DEPLOYER_TEST_MODULE_LOG names. Node's module hooks (module.register) see every
// import, static and dynamic, whichever package it comes from.
import { register } from 'node:module';

register('./module-recorder-hooks.mjs', import.meta.url, {
  data: { log: process.env.DEPLOYER_TEST_MODULE_LOG },
});
