// Failed builds sorted by what went wrong, the same way in every arm. `unexpected EOF` is its own class:
// it is the seed's incident (a blob cut off while BuildKit read it).
export const failureClasses = [
  'unexpected EOF',
  'blob or manifest missing',
  'manifest refused (400)',
  'registry 5xx',
  'connection',
  'other',
];

export function failureClass(text) {
  if (/unexpected EOF/i.test(text)) return 'unexpected EOF';
  if (/not found|blob unknown|BLOB_UNKNOWN|manifest unknown|MANIFEST_UNKNOWN/i.test(text))
    return 'blob or manifest missing';
  // A manifest whose blobs the registry no longer has (collected between their upload and the manifest's).
  if (/manifest[^\n]*400 Bad Request|MANIFEST_BLOB_UNKNOWN/i.test(text)) return 'manifest refused (400)';
  if (/\b5\d\d (?:Internal|Service|Bad Gateway|Gateway)|status code \[[^\]]*\]: 5\d\d/i.test(text))
    return 'registry 5xx';
  if (/connection reset|broken pipe|connection refused|\bEOF\b|transport is closing/i.test(text))
    return 'connection';
  return 'other';
}
