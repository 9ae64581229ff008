import type { GenericEndpointContext, User } from "better-auth";
import { APIError } from "better-auth/api";
import { allowedAvatar } from "./avatar-hosts";
import { devAvatarOrigin } from "./dev-tools/emulator-routing";
import { cleanName, nameProblem } from "./protocol/display-text";

/**
 * What Better Auth may write to a user's profile. A name someone else will see is at most 64
 * characters with no control or text-direction characters; an avatar comes only from a
 * provider's avatar host (or none). A client asking `/update-user` for anything else is refused
 * with 400; profiles from providers are cleaned up instead, since the person did not type them.
 */
export function profileRules(env: Env) {
	const avatarOrigin = devAvatarOrigin(env);
	return {
		async beforeCreate(user: User & Record<string, unknown>) {
			return {
				data: { ...user, name: cleanName(user.name, "Someone"), image: allowedAvatar(user.image, avatarOrigin) },
			};
		},
		async beforeUpdate(user: Partial<User> & Record<string, unknown>, ctx: GenericEndpointContext | null) {
			const typed = ctx?.path === "/update-user";
			const data: Partial<User> & Record<string, unknown> = { ...user };
			if (typeof user.name === "string") {
				const problem = typed ? nameProblem(user.name) : null;
				if (problem) throw new APIError("BAD_REQUEST", { code: "BAD_NAME", message: problem });
				data.name = cleanName(user.name, "Someone");
			}
			if (user.image !== undefined) {
				const image = allowedAvatar(user.image, avatarOrigin);
				if (typed && user.image !== null && image === null) {
					const message = "Profile pictures can only come from GitHub, Google or X.";
					throw new APIError("BAD_REQUEST", { code: "BAD_IMAGE", message });
				}
				data.image = image;
			}
			return { data };
		},
	};
}

/** Placeholder addresses (guests, X users without one) end in RFC 6761's `.invalid`. */
export const isPlaceholderEmail = (email: string) => email.endsWith(".invalid");

/**
 * After a login method is added to an account: a provider that verified the address takes over
 * an account nobody confirmed, and a guest who linked a provider is a guest no more.
 */
export async function afterAccountCreated(
	account: { userId: string; providerId: string },
	ctx: GenericEndpointContext | null,
): Promise<void> {
	await takeOverUnverifiedAccount(account, ctx);
	await guestKeepsAccount(account, ctx);
}

/** A guest linked a provider (from the header's "Keep this account"): same user, same rooms and messages. */
async function guestKeepsAccount(
	account: { userId: string; providerId: string },
	ctx: GenericEndpointContext | null,
): Promise<void> {
	if (!ctx || account.providerId === "credential") return;
	const user: Record<string, unknown> | null = await ctx.context.internalAdapter.findUserById(account.userId);
	if (user?.isAnonymous === true) await ctx.context.internalAdapter.updateUser(account.userId, { isAnonymous: false });
}

/** A guest who gave their account an address and confirmed it is a guest no more. */
export async function afterUserUpdated(
	user: { id: string; emailVerified: boolean; isAnonymous?: unknown },
	ctx: GenericEndpointContext | null,
): Promise<void> {
	if (ctx && user.emailVerified && user.isAnonymous === true) {
		await ctx.context.internalAdapter.updateUser(user.id, { isAnonymous: false });
	}
}

/**
 * The owner of an address wins over whoever typed it first. When a provider that verified the
 * address signs in and Better Auth links it to an account whose address nobody verified (someone
 * registered it with a password), that password stops working and every session it opened ends:
 * from now on the account is the provider's, as its real owner proved.
 */
async function takeOverUnverifiedAccount(
	account: { userId: string; providerId: string },
	ctx: GenericEndpointContext | null,
): Promise<void> {
	if (!ctx || account.providerId === "credential") return;
	const internal = ctx.context.internalAdapter;
	const user = await internal.findUserById(account.userId);
	if (!user || user.emailVerified) return;
	const accounts = await internal.findAccounts(account.userId);
	const passwords = accounts.filter((a) => a.providerId === "credential");
	if (passwords.length === 0) return;
	for (const password of passwords) await internal.deleteAccount(password.id);
	await internal.deleteUserSessions(account.userId);
}
