/** A manifest's exact stored bytes: re-serialising them would change the digest. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Uint8Array;
}
