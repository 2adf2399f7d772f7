-- wrk script: PUT one room assignment per request, round-robin over organizations, members and two roles,
-- so that every request changes something. GH_TARGETS (set by http-write.sh) holds one entry per
-- organization, separated by ";": "<org> <room> <role1> <role2> <member> <member> …".
local targets = {}
for entry in string.gmatch(os.getenv("GH_TARGETS"), "[^;]+") do
  local fields = {}
  for field in string.gmatch(entry, "%S+") do fields[#fields + 1] = field end
  local members = {}
  for i = 5, #fields do members[#members + 1] = fields[i] end
  targets[#targets + 1] = { org = fields[1], room = fields[2], roles = { fields[3], fields[4] }, members = members }
end
local n = 0
local auth = "Bearer " .. os.getenv("GH_KEY")

request = function()
  n = n + 1
  local t = targets[(n % #targets) + 1]
  local round = math.floor(n / #targets)
  local member = t.members[(round % #t.members) + 1]
  local role = t.roles[(math.floor(round / #t.members) % 2) + 1]
  return wrk.format("PUT", "/v1/orgs/" .. t.org .. "/resources/room/" .. t.room .. "/assignments/" .. member,
    { ["Content-Type"] = "application/json", ["Authorization"] = auth }, '{"role_id":' .. role .. '}')
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d requests_per_s=%.0f p50_ms=%.3f p99_ms=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
