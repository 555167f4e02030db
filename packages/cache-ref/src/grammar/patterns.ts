// The distribution reference grammar (github.com/distribution/reference), as anchored patterns.

export const pathComponentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/**
 * The component shape every registry we target accepts (ECR, GAR, ACR, Quay… forbid `__` and `--`):
 * what sanitising produces.
 */
export const portableComponentPattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
export const tagPattern = /^[\w][\w.-]{0,127}$/;
export const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
export const hostPattern = new RegExp(
  `^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`,
);
export const nameTotalLengthMax = 255;
export const tagLengthMax = 128;
