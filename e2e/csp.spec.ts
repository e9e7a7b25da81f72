/**
 * The Content Security Policy: one policy, sent as a header and written into index.html, and the
 * browser itself refuses to send anything to another origin. (Every other spec fails on any
 * violation: fixtures.ts' cspViolations.)
 */
import { createServer } from 'node:http';
import { CONTENT_SECURITY_POLICY } from '../src/app/security-headers.ts';
import { test, expect } from './fixtures.ts';

/** Another origin (another host and port) that would answer anyone: CORS and CORP open. */
const FOREIGN_PORT = Number(process.env.E2E_PORT ?? 4173) + 2;
const FOREIGN = `http://127.0.0.1:${FOREIGN_PORT}`;

test('one policy as header and meta tag; a fetch to another origin is blocked by the browser', async ({
  endoPage,
  page,
  cspViolations,
}) => {
  const hits: string[] = [];
  const foreign = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, {
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Content-Type': 'text/plain',
    });
    res.end('received');
  });
  await new Promise<void>((resolve) => foreign.listen(FOREIGN_PORT, '127.0.0.1', resolve));
  try {
    const response = await page.goto('/');
    await endoPage.waitForModel();
    const header = response?.headers()['content-security-policy'];
    expect(header, 'the header').toBe(CONTENT_SECURITY_POLICY);
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]'), 'the meta tag in index.html').toHaveAttribute(
      'content',
      header ?? '',
    );
    expect(header).toContain("default-src 'self'");
    expect(header).toMatch(/(^|; )connect-src 'self'( blob:)?(;|$)/);
    expect(header).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);

    // The other origin answers when asked directly: what stops the page is the policy, not the network.
    expect(await (await fetch(`${FOREIGN}/ping`)).text()).toBe('received');
    hits.length = 0;

    const attempt = await page.evaluate(async (url) => {
      const violation = new Promise<{ directive: string; blocked: string; disposition: string }>((resolve) => {
        document.addEventListener(
          'securitypolicyviolation',
          (e) => resolve({ directive: e.effectiveDirective, blocked: e.blockedURI, disposition: e.disposition }),
          { once: true },
        );
      });
      const outcome = await fetch(url, { method: 'POST', body: 'a frame' }).then(
        (r) => `answered ${r.status}`,
        (e: unknown) => `rejected ${(e as Error).name}`,
      );
      return { outcome, violation: await violation };
    }, `${FOREIGN}/upload`);
    expect(attempt.outcome, 'the fetch').toBe('rejected TypeError');
    expect(attempt.violation.directive).toBe('connect-src');
    expect(attempt.violation.blocked).toContain(FOREIGN);
    expect(attempt.violation.disposition).toBe('enforce');
    expect(hits, 'requests the other origin received').toEqual([]);
    // Provoked on purpose, so taken out of the fixture's list: one report per enforced copy (header and meta tag).
    const provoked = expect.stringMatching(new RegExp(`^connect-src blocked ${FOREIGN}/upload`));
    await expect.poll(() => cspViolations.length).toBe(2);
    expect(cspViolations.splice(0)).toEqual([provoked, provoked]);
  } finally {
    await new Promise((resolve) => foreign.close(resolve));
  }
});
