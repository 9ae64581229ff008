// Renders the fanout and history results as a small SVG bar chart for the README (no dependencies).
type Json = Record<string, unknown>;

const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c] ?? c);

function bars(
	title: string,
	groups: Array<{ label: string; values: Array<{ name: string; value: number }> }>,
	x0: number,
	y0: number,
	unit: string,
): string {
	const colors = ["#4f46e5", "#0891b2", "#a3a3a3"];
	const max = Math.max(1, ...groups.flatMap((g) => g.values.map((v) => v.value || 0)));
	const width = 420;
	let y = y0 + 28;
	let out = `<text x="${x0}" y="${y0 + 14}" font-weight="700">${esc(title)}</text>`;
	for (const g of groups) {
		out += `<text x="${x0}" y="${y + 11}" fill="#525252">${esc(g.label)}</text>`;
		g.values.forEach((v, i) => {
			const w = Math.max(1, ((v.value || 0) / max) * width);
			const yy = y + 16 + i * 16;
			out += `<rect x="${x0 + 110}" y="${yy}" width="${w.toFixed(1)}" height="12" fill="${colors[i % colors.length]}"/>`;
			out += `<text x="${x0 + 116 + w}" y="${yy + 10}" font-size="11">${esc(v.name)}: ${Number.isFinite(v.value) ? v.value.toLocaleString("en-US") : "–"} ${unit}</text>`;
		});
		y += 22 + g.values.length * 16;
	}
	return out;
}

export function renderChart(results: Json): string {
	let body = "";
	let height = 40;
	const fanout = results.fanout as
		| Array<{ target: string; sockets: number; best: { deliveredPerSec: number } | null }>
		| undefined;
	if (fanout) {
		const sockets = [...new Set(fanout.map((f) => f.sockets))];
		const groups = sockets.map((n) => ({
			label: `${n} sockets`,
			values: ["Parlor", "bare DO", "Node + ws"].map((t) => ({
				name: t,
				value: fanout.find((f) => f.target === t && f.sockets === n)?.best?.deliveredPerSec ?? Number.NaN,
			})),
		}));
		body += bars("Fanout: delivered messages/s with p99 ≤ 50 ms (higher is better)", groups, 20, height, "msg/s");
		height += 40 + groups.length * 70;
	}
	const history = results.history as
		| {
				rows: Array<{
					messages: number;
					limit: number;
					page: string;
					parlor: { p50: number };
					plainWorker: { p50: number };
					nodeSqlite: { p50: number };
				}>;
		  }
		| undefined;
	if (history) {
		const groups = history.rows
			.filter((r) => r.limit === 50)
			.map((r) => ({
				label: `${r.messages.toLocaleString("en-US")} ${r.page}`,
				values: [
					{ name: "Parlor", value: r.parlor.p50 },
					{ name: "plain Worker", value: r.plainWorker.p50 },
					{ name: "node:sqlite", value: r.nodeSqlite.p50 },
				],
			}));
		body += bars("History page (limit 50): p50 latency (lower is better)", groups, 20, height, "ms");
		height += 40 + groups.length * 70;
	}
	const search = results.search as
		| {
				rows: Array<{ archived: number; shape: string; parlor: { p50: number } }>;
				floor: Array<{ archived: number; me: { p50: number } }>;
		  }
		| undefined;
	if (search) {
		const shapes = [...new Set(search.rows.map((r) => r.shape))];
		const sizes = [...new Set(search.rows.map((r) => r.archived))];
		const groups = shapes.map((shape) => ({
			label: shape.replace(/ \(.*\)$/, ""),
			values: sizes.map((n) => ({
				name: `${n.toLocaleString("en-US")} archived`,
				value: search.rows.find((r) => r.shape === shape && r.archived === n)?.parlor.p50 ?? Number.NaN,
			})),
		}));
		body += bars("Search across 100 rooms: p50 latency by query (lower is better)", groups, 20, height, "ms");
		height += 40 + groups.reduce((h, g) => h + 22 + g.values.length * 16, 0);
	}
	return `<svg xmlns="http://www.w3.org/2000/svg" width="860" height="${height}" font-family="system-ui, sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>${body}<text x="20" y="${height - 10}" fill="#737373" font-size="10">${esc(String(results.machine))} · ${esc(String(results.date))} · ${esc(String(results.mode))}</text></svg>\n`;
}
