/** axe-core on the page as it is, with zero violations of any rule it runs by default. */
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** Each violation as one line (rule, impact, element, what to fix), so a failure says what and where. */
export async function expectNoAxeViolations(page: Page, view: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const found = violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact ?? 'no impact'}) at ${n.target.join(' > ')}: ${v.help}`));
  expect(found, `axe violations on ${view}`).toEqual([]);
}
