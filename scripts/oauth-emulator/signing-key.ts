import { createSign, generateKeyPairSync, randomUUID } from "node:crypto";

export type SigningKey = { jwk: Record<string, unknown>; sign(claims: Record<string, unknown>): string };

/** A fresh RS256 key per emulator run, published as a JWKS like Google's. */
export function createSigningKey(): SigningKey {
	const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
	const kid = randomUUID();
	const jwk = { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
	return {
		jwk,
		sign(claims) {
			const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
			const input = `${encode({ alg: "RS256", kid, typ: "JWT" })}.${encode(claims)}`;
			const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
			return `${input}.${signature}`;
		},
	};
}
