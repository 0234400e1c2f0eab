import type { AddressInfo } from "node:net";
import { createDatabase } from "../db/client";
import { createXmlApiServer } from "../server/xmlapi/http-server";

// The partner's XML API in a process of its own (for the sync benchmark): DATABASE_URL, prints its port.
const { db } = createDatabase(process.env.DATABASE_URL!, { max: 10 });
const server = createXmlApiServer(db);
server.listen(0, "127.0.0.1", () => console.log(`PORT ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => process.exit(0));
