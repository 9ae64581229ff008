import { queryOptions } from "@tanstack/solid-query";
import * as v from "valibot";
import { UserProfileSchema } from "../../../api/protocol/http-api";
import { must, request } from "../../api-request";

export const userProfileQuery = (userId: string) =>
	queryOptions({
		queryKey: ["user", userId] as const,
		queryFn: () => must(request(`/api/users/${encodeURIComponent(userId)}`, UserProfileSchema)),
		staleTime: 60_000,
		retry: false,
	});

const ClaimAnswerSchema = v.object({ status: v.string() });

/** A guest keeps their account under an email and password; answers what to do next. */
export async function claimWithEmail(email: string, password: string): Promise<string> {
	const answer = await must(
		request("/api/me/email", ClaimAnswerSchema, { method: "POST", body: JSON.stringify({ email, password }) }),
	);
	return answer.status;
}
