import { createFileRoute } from "@tanstack/solid-router";
import * as v from "valibot";
import { SignInPage } from "../features/auth/SignInPage";

export const Route = createFileRoute("/sign-in")({
	validateSearch: v.object({ redirect: v.optional(v.string()) }),
	component: SignInRoute,
});

function SignInRoute() {
	const search = Route.useSearch();
	return <SignInPage redirect={search().redirect} />;
}
