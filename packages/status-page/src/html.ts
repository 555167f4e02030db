/**
 * HTML built from text: every interpolated value is escaped unless it is already `SafeHtml` (made by
 * `html` itself, or the layout's constant inline assets), so a pull request titled `<script>…` renders as
 * text.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML text or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => entities[character]!);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${title}</p>\``: the template's own text is markup, every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * A path with query parameters, each part percent-encoded; interpolating it in `html` escapes it for the
 * attribute.
 */
export function pagePath(
  segments: readonly string[],
  query: Record<string, string | undefined> = {},
): string {
  const path = `/${segments.map(encodeURIComponent).join('/')}`;
  const parameters = Object.entries(query).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  if (parameters.length === 0) return path;
  return `${path}?${new URLSearchParams(parameters).toString()}`;
}
