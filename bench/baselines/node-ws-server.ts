// Baseline for the fanout benchmark: a plain Node + ws server that sends every frame it gets to
// every connected socket, unbatched. `node bench/baselines/node-ws-server.ts <port>`
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.argv[2] ?? 5397);
const server = createServer((_req, res) => res.end("ok"));
const wss = new WebSocketServer({ server });
wss.on("connection", (ws) => {
	ws.on("message", (data, isBinary) => {
		for (const peer of wss.clients) peer.send(data, { binary: isBinary });
	});
});
server.listen(port, "127.0.0.1");
