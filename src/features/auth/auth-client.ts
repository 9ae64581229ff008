import { createAuthClient } from "better-auth/client";
import { anonymousClient } from "better-auth/client/plugins";

/** Better Auth's framework-free client; the session itself is read through TanStack Query. */
export const authClient = createAuthClient({
	baseURL: window.location.origin,
	plugins: [anonymousClient()],
});
