import { Hono } from "hono";
import type { AppEnv } from "../env";
import { mailer } from "../mail/mailer";
import { enabledProviders } from "../oauth/providers";
import type { AuthMethods } from "../protocol/http-api";

/** `GET /api/auth-methods`: public, so the sign-in page can show one button per enabled provider. */
export const authMethodsRoutes = new Hono<AppEnv>().get("/", (c) =>
	c.json({
		email: true,
		emailSignUp: mailer(c.env) !== null,
		guest: true,
		providers: enabledProviders(c.env),
	} satisfies AuthMethods),
);
