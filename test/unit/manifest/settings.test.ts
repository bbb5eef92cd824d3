import { strict as assert } from 'node:assert';
import { configurationGroups, readManifest, settingsOf } from './manifest';
import type { SettingSchema } from './manifest';

/** Whether a value is allowed by a string setting's `enum` or by one of its `anyOf` branches. */
function allows(schema: SettingSchema, value: string): boolean {
  const branches = schema.anyOf ?? [schema];
  return branches.some((branch) => (branch.enum ? branch.enum.includes(value) : branch.pattern !== undefined && new RegExp(branch.pattern).test(value)));
}

describe('settings (package.json)', () => {
  const manifest = readManifest();
  const setting = (name: string): SettingSchema => {
    const found = settingsOf(manifest).find(([candidate]) => candidate === name);
    assert.ok(found, `${name} is declared`);
    return found[1];
  };

  it('groups the settings under titled categories, each in order', () => {
    const groups = configurationGroups(manifest);
    assert.deepEqual(
      groups.map((group) => group.title),
      ['Accounts', 'Inbox', 'Sending', 'Privacy'],
    );
    assert.deepEqual(
      groups.map((group) => group.order),
      [1, 2, 3, 4],
    );
  });

  it('gives every setting an order within its group', () => {
    for (const group of configurationGroups(manifest)) {
      const orders = Object.values(group.properties).map((schema) => schema.order);
      assert.deepEqual(
        orders,
        orders.map((_order, index) => index + 1),
        `${group.title ?? ''}: ${JSON.stringify(orders)}`,
      );
    }
  });

  it('describes each multi-tenant choice of mailroom.microsoft.tenant', () => {
    const tenant = setting('mailroom.microsoft.tenant');
    const choices = (tenant.anyOf ?? []).find((branch) => branch.enum);
    assert.deepEqual(choices?.enum, ['common', 'organizations', 'consumers']);
    assert.equal(choices?.enumDescriptions?.length, 3);
    assert.ok(choices?.enumDescriptions?.every((description) => description.length > 20));
  });

  it('accepts in mailroom.microsoft.tenant what the Microsoft preset accepts, and flags the rest', () => {
    const tenant = setting('mailroom.microsoft.tenant');
    for (const value of ['common', 'organizations', 'consumers', '72f988bf-86f1-41af-91ab-2d7cd011db47', 'contoso.onmicrosoft.com', 'contoso.com']) {
      assert.ok(allows(tenant, value), `${value} is allowed`);
    }
    for (const value of ['', 'Common Tenant', 'https://login.microsoftonline.com/common', '72f988bf-86f1-41af-91ab', 'contoso']) {
      assert.ok(!allows(tenant, value), `${value} is flagged`);
    }
  });
});
