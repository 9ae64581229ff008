/**
 * What to tell a person who came back to the sign-in page with `?error=<code>` from Better Auth's
 * OAuth callback. Codes are Better Auth's and the providers' (RFC 6749 §4.1.2.1).
 */
export function oauthErrorMessage(code: string): string {
	switch (code) {
		case "access_denied":
			return "Sign-in was cancelled at the provider. Nothing was shared with Parlor.";
		case "account_not_linked":
			return "An account with this email already exists. Sign in the way you did before (for example with email and password).";
		case "state_mismatch":
		case "state_not_found":
		case "please_restart_the_process":
		case "invalid_callback_request":
		case "invalid_code":
			return "That sign-in attempt expired or was already used. Please try again.";
		default:
			return `Sign-in failed (${code.slice(0, 60)}). Please try again.`;
	}
}
