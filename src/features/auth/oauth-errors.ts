/**
 * What to tell a person who came back to the sign-in page with `?error=<code>`: from Better
 * Auth's OAuth callback, an email verification link or a password reset link. Codes are Better
 * Auth's and the providers' (RFC 6749 §4.1.2.1). The code itself is never shown: the address bar
 * is anyone's to write, so an unknown code gets a generic message rather than an echo.
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
		case "INVALID_TOKEN":
		case "invalid_token":
		case "TOKEN_EXPIRED":
		case "token_expired":
			return "That link expired or was already used. Ask for a new one.";
		case "unable_to_create_user":
		case "signup_disabled":
			return "Parlor could not create an account from that sign-in. Please try another way.";
		default:
			return "Sign-in did not complete. Please try again.";
	}
}
