/** Commands of guided setup, as package.json contributes them (and the walkthrough's links name them). */
export const SET_UP_ACCOUNT_COMMAND = 'mailroom.setUpAccount';
export const COPY_REDIRECT_URI_COMMAND = 'mailroom.copyRedirectUri';
