// The people who exist at the test identity provider and have mailboxes in the test Dovecot.

export interface TestUser {
  /** Login name on the provider's sign-in page (the email address is accepted too). */
  username: string;
  password: string;
  email: string;
  /** The OpenID Connect `sub`: deliberately not the email, so clients cannot confuse the two. */
  subject: string;
  name: string;
}

export const TEST_USERS: readonly TestUser[] = [
  { username: 'alice', password: 'alice-password', email: 'alice@mailroom.test', subject: 'user-alice-7f3a', name: 'Alice Example' },
  { username: 'bob', password: 'bob-password', email: 'bob@mailroom.test', subject: 'user-bob-2c91', name: 'Bob Example' },
];

export const MAIL_DOMAIN = 'mailroom.test';

export function findUserByLogin(login: string): TestUser | undefined {
  const normalized = login.trim().toLowerCase();
  return TEST_USERS.find((user) => user.username === normalized || user.email === normalized);
}

export function findUserBySubject(subject: string): TestUser | undefined {
  return TEST_USERS.find((user) => user.subject === subject);
}

export function findUserByEmail(email: string): TestUser | undefined {
  const normalized = email.trim().toLowerCase();
  return TEST_USERS.find((user) => user.email === normalized);
}
