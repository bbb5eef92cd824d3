import type { ProviderKind } from '../auth/accountApi';
import type { MailroomError } from '../util/errors';
import type { UiText } from '../ui/text';
import { joinTexts, ui } from '../ui/text';
import type { RedirectUri } from './redirectUris';

/**
 * For each sign-in failure that has a fix, the button that leads to it. Editor-free: the notice
 * built here is shown by failureNotice.ts, and the mapping is a table test.
 */
export type FailureFix =
  /** Runs "Mailroom: Set Up Account…" for the provider (or with a provider picker). */
  | { readonly kind: 'setUp'; readonly label: UiText; readonly provider: ProviderKind | undefined }
  /** Runs "Mailroom: Set Google Client Secret…". */
  | { readonly kind: 'setClientSecret'; readonly label: UiText }
  /** Puts a redirect URI on the clipboard. */
  | { readonly kind: 'copy'; readonly label: UiText; readonly text: string }
  /** Starts the same sign-in again. */
  | { readonly kind: 'tryAgain'; readonly label: UiText };

export interface FailureNotice {
  readonly message: UiText;
  readonly fixes: readonly FailureFix[];
}

export interface FailureContext {
  /** The provider the sign-in was for, where known. */
  readonly provider: ProviderKind | undefined;
  /** The redirect URIs this editor sends for that provider (see redirectUris.ts). */
  readonly redirectUris: readonly RedirectUri[];
}

function setUp(provider: ProviderKind | undefined): FailureFix {
  return { kind: 'setUp', label: ui`Set Up…`, provider };
}

function redirectNotice(failure: MailroomError, context: FailureContext): FailureNotice {
  const said = ui`${failure.message}`;
  if (context.provider === 'google') {
    // Google sends loopback redirects only to "Desktop app" clients; other client types need a new client.
    return {
      message: joinTexts(
        [said, ui`Google accepts Mailroom's loopback redirect only for an OAuth client of type "Desktop app": create one and set it up in Mailroom.`],
        ' ',
      ),
      fixes: [setUp('google')],
    };
  }
  const toRegister = context.redirectUris;
  if (toRegister.length === 0) {
    return { message: said, fixes: [setUp(context.provider)] };
  }
  const list = joinTexts(
    toRegister.map((entry) => ui`${entry.uri}`),
    ', ',
  );
  return {
    message: joinTexts([said, ui`Register these redirect URIs with your OAuth client: ${list}.`], ' '),
    fixes: toRegister.map((entry) => ({
      kind: 'copy',
      label: entry.kind === 'loopback' ? ui`Copy Loopback URI` : ui`Copy Redirect URI`,
      text: entry.uri,
    })),
  };
}

/** The message and fix buttons for a failure Mailroom reports to the person. */
export function failureNotice(failure: MailroomError, context: FailureContext): FailureNotice {
  const said = ui`${failure.message}`;
  switch (failure.code) {
    case 'MissingClientId':
    case 'InvalidClient':
      return { message: said, fixes: [setUp(context.provider)] };
    case 'MissingClientSecret':
      return { message: said, fixes: [{ kind: 'setClientSecret', label: ui`Set Client Secret…` }] };
    case 'RedirectUriNotRegistered':
      return redirectNotice(failure, context);
    case 'AccessDenied':
      return { message: said, fixes: [{ kind: 'tryAgain', label: ui`Try Again` }] };
    default:
      return { message: said, fixes: [] };
  }
}
