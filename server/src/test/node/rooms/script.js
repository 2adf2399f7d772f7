'use strict';
// Drives Gatehouse's Rooms dialect with one of DocuSign's Node SDKs, unchanged: docusign-rooms 3.0.0 (axios) or
// 2.0.0 (superagent, the version DocuSign's official code examples pin), installed under the aliases
// docusign-rooms-3 and docusign-rooms-2.
// Usage: node script.js <sdk module> <baseUrl> <apiKey> <accountId>   (baseUrl like http://127.0.0.1:8080)
// Prints one JSON line per step: {"step", "outcome": "resolved" | "rejected", "value"}, then "DONE".
// A rejection's value is {status, body}: the HTTP status and the parsed ApiError.

const [sdkModule, baseUrl, apiKey, accountId] = process.argv.slice(2);
if (!sdkModule || !baseUrl || !apiKey || !accountId) {
  console.error('usage: node script.js <sdk module> <baseUrl> <apiKey> <accountId>');
  process.exit(2);
}
const rooms = require(sdkModule);

const client = new rooms.ApiClient();
client.setBasePath(baseUrl.replace(/\/$/, '') + '/restapi');
client.addDefaultHeader('Authorization', 'Bearer ' + apiKey);
const roles = new rooms.RolesApi(client);
const users = new rooms.UsersApi(client);
const roomsApi = new rooms.RoomsApi(client);
const offices = new rooms.OfficesApi(client);
const regions = new rooms.RegionsApi(client);
const profiles = new rooms.ESignPermissionProfilesApi(client);

/** The SDKs reject with {statusCode, body} (3.0.0) or a superagent error with status and response (2.0.0). */
function failure(e) {
  if (e && e.statusCode !== undefined) {
    return { status: e.statusCode, body: e.body };
  }
  if (e && e.status !== undefined) {
    return { status: e.status, body: e.response ? e.response.body : null };
  }
  return { status: null, body: String(e && e.stack ? e.stack : e) };
}

async function step(name, call) {
  let line;
  try {
    line = { step: name, outcome: 'resolved', value: await call() };
  } catch (e) {
    line = { step: name, outcome: 'rejected', value: failure(e) };
  }
  console.log(JSON.stringify(line));
  return line.value;
}

const MAX_PAGES = 50;

/**
 * The usual paging loop: ask for a page, go on while it has a nextUri. Returns the ids seen, the number of pages,
 * the totalRowCount of the first page and whether the loop ended by itself (a nextUri on the last page — such as
 * the string "null" the SDKs make of an explicit null — keeps it going until MAX_PAGES).
 */
async function pageAll(list, itemsOf, idOf) {
  const ids = [];
  let pages = 0;
  let total;
  let page;
  let startPosition = 0;
  do {
    page = await list({ startPosition, count: 2 });
    pages++;
    if (total === undefined) {
      total = page.totalRowCount;
    }
    (itemsOf(page) || []).forEach((item) => ids.push(idOf(item)));
    startPosition = page.endPosition + 1;
  } while (page.nextUri && pages < MAX_PAGES);
  return { ids, pages, total, ended: !page.nextUri, lastNextUri: page.nextUri === undefined ? 'absent' : page.nextUri };
}

async function main() {
  const everyRole = await roles.getRoles(accountId, { filterContext: 'AllRoles' });
  const adminRole = everyRole.roles.find((r) => r.isDefaultForAdmin).roleId;
  const agent = await step('role.create', () => roles.createRole(accountId, {
    body: { name: 'Node Agent', isExternal: false, permissions: { canCreateRooms: true, canViewRoomDetails: true } },
  }));
  for (const name of ['Node Buyer', 'Node Seller', 'Node Lender']) {
    await step('role.create.external', () => roles.createRole(accountId, {
      body: { name, isExternal: true, permissions: { canViewRoomDetails: true } },
    }));
  }
  const north = await step('region.create', () => regions.createRegion(accountId, { body: { name: 'North' } }));
  for (const name of ['South', 'West']) {
    await step('region.create.more', () => regions.createRegion(accountId, { body: { name } }));
  }
  const office = await step('office.create', () => offices.createOffice(accountId, {
    body: { name: 'Node Office', regionId: north.regionId, city: 'Nodeville' },
  }));
  for (const name of ['Annex', 'Depot']) {
    await step('office.create.more', () => offices.createOffice(accountId, { body: { name } }));
  }
  await step('office.get', () => offices.getOffice(accountId, office.officeId));
  await step('region.get', () => regions.getRegion(accountId, north.regionId));
  const profileList = await step('esign.profiles', () => profiles.getESignPermissionProfiles(accountId));
  const ola = await step('user.invite.withOffice', () => users.inviteUser(accountId, {
    body: {
      firstName: 'Ola', lastName: 'Node', email: 'ola@node.test', roleId: agent.roleId, accessLevel: 'Contributor',
      defaultOfficeId: office.officeId, offices: [office.officeId],
      eSignPermissionProfileId: profileList.permissionProfiles[0].eSignPermissionProfileId,
    },
  }));
  await step('user.addToRegion', () => users.addUserToRegion(accountId, ola.userId,
    { body: { regionId: north.regionId } }));
  await step('user.removeFromOffice', () => users.removeUserFromOffice(accountId, ola.userId,
    { body: { officeId: office.officeId } }));
  await step('user.reinvite', () => users.reinviteUser(accountId, ola.userId));
  await step('user.placed', () => users.getUser(accountId, ola.userId));
  await step('user.addToOffice.missing', () => users.addUserToOffice(accountId, ola.userId,
    { body: { officeId: 999999 } }));
  await step('office.delete.inUse', () => offices.deleteOffice(accountId, office.officeId));
  for (const name of ['Ann', 'Ben', 'Cid']) {
    await step('user.invite', () => users.inviteUser(accountId, {
      body: {
        firstName: name, lastName: 'Node', email: name.toLowerCase() + '@node.test', roleId: agent.roleId,
        accessLevel: 'Contributor',
      },
    }));
  }
  const room = await step('room.create', () => roomsApi.createRoom(accountId, {
    body: { name: '1 Node Street', roleId: adminRole, fieldData: { data: { address1: '1 Node Street' } } },
  }));
  for (const name of ['2 Node Street', '3 Node Street']) {
    await step('room.create.more', () => roomsApi.createRoom(accountId, { body: { name, roleId: adminRole } }));
  }
  const buyer = (await roles.getRoles(accountId, { filter: 'Node Buyer' })).roles[0];
  for (const name of ['Dee', 'Eve', 'Fay']) {
    await step('room.user.invite.' + name, () => roomsApi.inviteUser(accountId, room.roomId, {
      body: { email: name.toLowerCase() + '@buyer.test', firstName: name, lastName: 'Buyer', roleId: buyer.roleId },
    }));
  }

  await step('room.user.invite.again', () => roomsApi.inviteUser(accountId, room.roomId, {
    body: { email: 'dee@buyer.test', firstName: 'Dee', lastName: 'Buyer', roleId: buyer.roleId },
  }));
  await step('room.user.invite.badSide', () => roomsApi.inviteUser(accountId, room.roomId, {
    body: { email: 'gus@buyer.test', firstName: 'Gus', lastName: 'Buyer', roleId: buyer.roleId,
      transactionSideId: 'sideways' },
  }));
  const fay = (await roomsApi.getRoomUsers(accountId, room.roomId, { filter: 'fay' })).users[0];
  await step('room.user.revoke.later', () => roomsApi.revokeRoomUserAccess(accountId, room.roomId, fay.userId, {
    body: { revocationDate: new Date(Date.now() + 24 * 3600 * 1000) },
  }));
  const gus = await step('room.user.invite.Gus', () => roomsApi.inviteUser(accountId, room.roomId, {
    body: { email: 'gus@buyer.test', firstName: 'Gus', lastName: 'Buyer', roleId: buyer.roleId },
  }));
  await step('room.user.revoke.later.Gus', () => roomsApi.revokeRoomUserAccess(accountId, room.roomId, gus.userId, {
    body: { revocationDate: new Date(Date.now() + 24 * 3600 * 1000) },
  }));
  await step('room.user.restore.cancels', () => roomsApi.restoreRoomUserAccess(accountId, room.roomId, gus.userId));
  await step('users.pending', () => users.getUsers(accountId, { status: 'Pending' }));
  await step('users.active', () => users.getUsers(accountId, { status: 'Active' }));
  await step('room.fieldData.get', () => roomsApi.getRoomFieldData(accountId, room.roomId));
  await step('room.fieldData.update', () => roomsApi.updateRoomFieldData(accountId, room.roomId, {
    body: { data: { city: 'Nodeville' } },
  }));
  await step('rooms.changedSince.past', () => roomsApi.getRooms(accountId,
    { fieldDataChangedStartDate: '2000/01/01 00:00:00' }));
  await step('rooms.changedSince.future', () => roomsApi.getRooms(accountId, { fieldDataChangedStartDate: '2999-01-01' }));

  await step('page.roles', () => pageAll((o) => roles.getRoles(accountId, o), (p) => p.roles, (r) => r.roleId));
  await step('page.users', () => pageAll((o) => users.getUsers(accountId, o), (p) => p.userSummaries,
    (u) => u.userId));
  await step('page.rooms', () => pageAll((o) => roomsApi.getRooms(accountId, o), (p) => p.rooms, (r) => r.roomId));
  await step('page.room.users', () => pageAll((o) => roomsApi.getRoomUsers(accountId, room.roomId, o),
    (p) => p.users, (u) => u.userId));
  await step('page.offices', () => pageAll((o) => offices.getOffices(accountId, o), (p) => p.officeSummaries,
    (o) => o.officeId));
  await step('page.regions', () => pageAll((o) => regions.getRegions(accountId, o), (p) => p.regionSummaries,
    (r) => r.regionId));
  await step('page.assignable.roles', () => pageAll((o) => roomsApi.getAssignableRoles(accountId, room.roomId, o),
    (p) => p.roles, (r) => r.roleId));
  console.log('DONE');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
