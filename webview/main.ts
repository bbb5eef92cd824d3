// The browser side of the Inbox view. Replaced by the inbox implementation.
export {};
