// Pushing real images is @deployer/registry's test helper; its client type is structural, so ours fits.
export { type PushedImage, pushImage, tarWithFile } from '../../../registry/test/helpers/image.js';
