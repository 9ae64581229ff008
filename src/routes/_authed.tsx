import { createFileRoute, Outlet, redirect } from "@tanstack/solid-router";
import { sessionQuery } from "../features/auth/session-queries";

/** Every route below this one needs a session; without one the user is sent to sign in. */
export const Route = createFileRoute("/_authed")({
	beforeLoad: async ({ context, location }) => {
		const me = await context.queryClient.ensureQueryData(sessionQuery);
		if (!me) throw redirect({ to: "/sign-in", search: { redirect: location.href } });
		return { me };
	},
	component: () => <Outlet />,
});
