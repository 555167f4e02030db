/**
 * The pages' one script, inline (no build step, no extra request): while `<main id="content">` carries
 * `data-refresh-seconds` (a build is queued or running), it re-fetches the page every few seconds and swaps
 * in the new main content, keeping open `<details>` open. Without JavaScript a `<noscript>` meta refresh
 * reloads the page instead. The Content-Security-Policy allows exactly this text by its hash.
 */
export const refreshScript = `(() => {
  const delay = (main) => Number(main && main.dataset.refreshSeconds) * 1000;
  const tick = async () => {
    const main = document.getElementById('content');
    if (!main || !delay(main)) return;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), 'text/html');
        const next = page.getElementById('content');
        if (next) {
          const open = new Set([...main.querySelectorAll('details[open][id]')].map((element) => element.id));
          for (const details of next.querySelectorAll('details[id]')) {
            if (open.has(details.id)) details.open = true;
          }
          main.replaceWith(document.adoptNode(next));
          document.title = page.title;
        }
      }
    } catch {
      // Offline or the server restarting: try again on the next tick.
    }
    const current = document.getElementById('content');
    if (current && delay(current)) setTimeout(tick, delay(current));
  };
  const first = document.getElementById('content');
  if (first && delay(first)) setTimeout(tick, delay(first));
})();`;
