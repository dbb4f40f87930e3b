// The browser tests' way to see a page as a server without cross-origin isolation would serve it.
import type { Page } from 'playwright-core';

/** Strips the COOP/COEP headers from every response `page` gets: it is then not cross-origin isolated. */
export async function withoutIsolation(page: Page): Promise<void> {
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
}
