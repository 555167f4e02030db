/**
 * An empty image config: the one blob a manifest that carries no image needs (untag's placeholder, a
 * lease). The same bytes every time, so it is uploaded once per repository.
 */
export const emptyImageConfig = new TextEncoder().encode(
  '{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}',
);
