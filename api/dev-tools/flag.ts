/** Replaced at build time by Vite's `define` (vite.config.ts) and the test configs. */
declare const __PARLOR_DEV_TOOLS__: boolean;

/**
 * Whether this build carries the development tools: the OAuth emulator routing and the local
 * mailbox. True under `npm run dev`, in the tests and in the e2e build; false in `npm run build`,
 * where every branch it guards is dropped from the bundle (scripts/check-bundle.mjs proves it).
 */
export const DEV_TOOLS: boolean = __PARLOR_DEV_TOOLS__;
