import { describe, expect, it } from 'vitest';
import { escapeHtml, html, pagePath } from '../src/html.js';

describe('html', () => {
  it('escapes every interpolated value, nested lists too, and keeps html fragments', () => {
    const title = `<script>alert("x")</script> & 'y'`;
    const fragment = html`<b>${title}</b>`;
    expect(fragment.value).toBe('<b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;</b>');
    expect(html`<p>${[fragment, ['<i>', null, false, undefined, 3]]}</p>`.value).toBe(
      `<p>${fragment.value}&lt;i&gt;3</p>`,
    );
  });

  it('escapes attribute quotes', () => {
    expect(escapeHtml(`" onmouseover="x`)).toBe('&quot; onmouseover=&quot;x');
  });

  it('percent-encodes path segments and query values', () => {
    expect(
      pagePath(['environments', 'a/b?c', 'rebuild'], { repository: 'acme/shop&x=1', skip: undefined }),
    ).toBe('/environments/a%2Fb%3Fc/rebuild?repository=acme%2Fshop%26x%3D1');
  });
});
